/**
 * Dispatching the kernels that give each invocation one whole row or line (the `lines` and
 * `rows-vec4` variants of the row-wise ops, and the cross-entropy rows kernels).
 */
import type { KernelSpec, Overrides } from '../gpu/kernel.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import type { Binding } from '../gpu/recorder.js';

/**
 * Invocations per workgroup for `lines` lines: 64, or fewer when that would leave under 16
 * workgroups. SwiftShader runs each workgroup on one CPU thread, so a few long rows in one
 * workgroup of 64 used one core of two: softmax [64, 65536] took 95 ms in one workgroup of 64 and
 * 45 ms in 16 workgroups of 4, with [4096, 1024] the same either way (bench/HISTORY.md).
 */
export function perLineWorkgroupSize(lines: number): number {
  for (const size of [64, 16]) if (lines >= 16 * size) return size;
  return 4;
}

/** Records `spec` over `lines` lines, one invocation each. */
export function dispatchPerLine(gpu: GpuRuntime, op: string, spec: KernelSpec, overrides: Overrides, bindings: readonly Binding[], params: ArrayBufferView, lines: number): void {
  const workgroupSize = perLineWorkgroupSize(lines);
  const kernel = gpu.kernel(spec, { ...overrides, workgroupSize });
  gpu.dispatch(op, kernel, bindings, params, Math.ceil(lines / workgroupSize));
}
