/**
 * Fused softmax cross-entropy kernels (shaders/cross_entropy_*.wgsl): one pass writes the
 * gradient and one loss per row; for the 'mean' and 'sum' reductions loss_reduce.wgsl then adds
 * the row losses into one value. Variants follow softmax's rule (see docs/kernels.md):
 * `rows-vec4` / `rows` (one invocation per row, no barriers: SwiftShader), `rows-split`
 * (swiftshader.ts) and `workgroup` (one workgroup per row: real GPUs). Class-index labels use the
 * same kernels with the `indexLabels` override.
 */
import rowsWgsl from '../../../shaders/cross_entropy_rows.wgsl?raw';
import rowsVec4Wgsl from '../../../shaders/cross_entropy_rows_vec4.wgsl?raw';
import workgroupWgsl from '../../../shaders/cross_entropy_workgroup.wgsl?raw';
import reduceWgsl from '../../../shaders/loss_reduce.wgsl?raw';
import {
  CROSS_ENTROPY_WRITE_VEC4,
  ENTRY_ROWS,
  ENTRY_WORKGROUP_ROWS,
  ROW_PASS_LINES,
  ROW_PASS_VEC4,
  ROW_PASS_WORKGROUP,
  ROW_SOFTMAX,
  WORKGROUP_SUM,
  withParts,
} from '../shared/wgsl-parts.js';
import type { KernelSpec } from '../../gpu/kernel.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { Binding } from '../../gpu/recorder.js';
import { dispatchPerLine } from '../shared/per-line.js';
import type { Variant } from '../definition.js';

export interface CrossEntropyLayout {
  rows: number;
  cols: number;
}

/** What every variant records over: the bound logits, labels, gradient and row losses of a range of rows. */
export interface CrossEntropyRun {
  logits: Binding;
  labels: Binding;
  grad: Binding;
  rowLoss: Binding;
  indexLabels: boolean;
  layout: CrossEntropyLayout;
  gradScale: number;
}

export type CrossEntropyVariant = Variant<CrossEntropyLayout, [run: CrossEntropyRun]>;

const BINDINGS = ['read', 'read', 'write', 'write'] as const;
const ROWS: KernelSpec = { name: 'cross_entropy_rows', code: withParts(rowsWgsl, ENTRY_ROWS, ROW_PASS_LINES, ROW_SOFTMAX), bindings: BINDINGS };
const ROWS_VEC4: KernelSpec = { name: 'cross_entropy_rows_vec4', code: withParts(rowsVec4Wgsl, ENTRY_ROWS, CROSS_ENTROPY_WRITE_VEC4, ROW_PASS_VEC4), bindings: BINDINGS };
const WORKGROUP: KernelSpec = { name: 'cross_entropy_workgroup', code: withParts(workgroupWgsl, ENTRY_WORKGROUP_ROWS, ROW_PASS_WORKGROUP, ROW_PASS_LINES, ROW_SOFTMAX), bindings: BINDINGS };
const REDUCE: KernelSpec = { name: 'loss_reduce', code: withParts(reduceWgsl, WORKGROUP_SUM), bindings: ['read', 'write'] };

/** u32 row count, u32 row length (in vecs of `width`), f32 scale. */
function params(run: CrossEntropyRun, width: number): Uint8Array {
  const buffer = new ArrayBuffer(12);
  new Uint32Array(buffer, 0, 2).set([run.layout.rows, run.layout.cols / width]);
  new Float32Array(buffer, 8, 1)[0] = run.gradScale;
  return new Uint8Array(buffer);
}

/** The override every variant's kernels take. */
export function labelOverrides(run: CrossEntropyRun): { indexLabels: number } {
  return { indexLabels: run.indexLabels ? 1 : 0 };
}

function bindings(run: CrossEntropyRun): Binding[] {
  return [run.logits, run.labels, run.grad, run.rowLoss];
}

export const rowsVec4: CrossEntropyVariant = {
  name: 'rows-vec4',
  usable: (_, layout) => layout.cols % 4 === 0,
  record(gpu, op, run) {
    dispatchPerLine(gpu, op, ROWS_VEC4, labelOverrides(run), bindings(run), params(run, 4), run.layout.rows);
  },
};

export const rows: CrossEntropyVariant = {
  name: 'rows',
  usable: () => true,
  record(gpu, op, run) {
    dispatchPerLine(gpu, op, ROWS, labelOverrides(run), bindings(run), params(run, 1), run.layout.rows);
  },
};

export const workgroup: CrossEntropyVariant = {
  name: 'workgroup',
  usable: () => true,
  record(gpu, op, run) {
    const kernel = gpu.kernel(WORKGROUP, { ...labelOverrides(run), workgroupSize: 256 });
    gpu.dispatch(op, kernel, bindings(run), params(run, 1), run.layout.rows);
  },
};

/** Records total[0] = scale * sum(rowLoss[0..count)). */
export function recordLossReduce(gpu: GpuRuntime, op: string, rowLoss: Binding, total: Binding, count: number, scale: number): void {
  const kernel = gpu.kernel(REDUCE, { workgroupSize: 256 });
  const block = new ArrayBuffer(8);
  new Uint32Array(block, 0, 1)[0] = count;
  new Float32Array(block, 4, 1)[0] = scale;
  gpu.dispatch(op, kernel, [rowLoss, total], new Uint8Array(block), 1);
}
