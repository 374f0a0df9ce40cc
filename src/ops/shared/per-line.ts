/**
 * Spreading row-wise work over invocations: the workgroup size of the kernels that give each
 * invocation one whole row, line or column, and how a few long rows are cut into parts (the
 * rows-split kernels of the row-wise ops, the Jacobian's block variants).
 */
import type { KernelSpec, Overrides } from '../../gpu/kernel.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { AdapterProfile } from '../../gpu/profile.js';
import type { Binding } from '../../gpu/recorder.js';

/**
 * Invocations per workgroup for `lines` lines. On a GPU, 64: smaller workgroups leave most of each
 * SIMD unit idle. On SwiftShader, 64, or fewer when that would leave under 16 workgroups: it runs
 * each workgroup on one CPU thread, so a few long rows in one workgroup of 64 used one core of two
 * (measured: docs/swiftshader.md).
 */
export function perLineWorkgroupSize(lines: number, profile: AdapterProfile): number {
  if (profile !== 'swiftshader') return 64;
  for (const size of [64, 16]) if (lines >= 16 * size) return size;
  return 4;
}

/** How rows are cut: `parts` per row, each `partLength` units long but the last. */
export interface RowParts {
  parts: number;
  partLength: number;
}

/**
 * Cuts each of `rows` rows of `length` units into parts, one invocation each, when there are
 * fewer than `below` rows: enough parts for `target` invocations, none shorter than `minPart`
 * units. The count is then recomputed from the part length, so that no part is empty.
 */
export function splitRows(rows: number, length: number, below: number, target: number, minPart: number): RowParts {
  let parts = 1;
  if (rows < below) parts = Math.max(1, Math.min(Math.ceil(target / Math.max(rows, 1)), Math.floor(length / minPart)));
  const partLength = Math.ceil(length / parts);
  return { parts: Math.ceil(length / partLength), partLength };
}

/** Records `spec` over `lines` lines, one invocation each. */
export function dispatchPerLine(gpu: GpuRuntime, op: string, spec: KernelSpec, overrides: Overrides, bindings: readonly Binding[], params: ArrayBufferView, lines: number): void {
  const workgroupSize = perLineWorkgroupSize(lines, gpu.profile);
  const kernel = gpu.kernel(spec, { ...overrides, workgroupSize });
  gpu.dispatch(op, kernel, bindings, params, Math.ceil(lines / workgroupSize));
}
