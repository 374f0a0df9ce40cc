/**
 * Fused softmax cross-entropy kernels (shaders/cross_entropy_*.wgsl): one pass writes the
 * gradient and one loss per row; for the 'mean' and 'sum' reductions loss_reduce.wgsl then adds
 * the row losses into one value. Variants follow softmax's rule (see docs/kernels.md):
 * `rows-vec4` / `rows` (one invocation per row, no barriers: SwiftShader), `rows-split` (a few
 * long rows cut into segments, row-split.ts) and `workgroup` (one workgroup per row: real GPUs).
 * Class-index labels use the same kernels with the `indexLabels` override.
 */
import rowsWgsl from '../../shaders/cross_entropy_rows.wgsl?raw';
import rowsVec4Wgsl from '../../shaders/cross_entropy_rows_vec4.wgsl?raw';
import splitLossWgsl from '../../shaders/swiftshader/cross_entropy_split_loss.wgsl?raw';
import splitWriteWgsl from '../../shaders/swiftshader/cross_entropy_split_write.wgsl?raw';
import workgroupWgsl from '../../shaders/cross_entropy_workgroup.wgsl?raw';
import reduceWgsl from '../../shaders/loss_reduce.wgsl?raw';
import { CROSS_ENTROPY_WRITE_VEC4, ENTRY_ROWS, ENTRY_SEGMENTS, ENTRY_WORKGROUP_ROWS, ROW_PASS_LINES, ROW_PASS_VEC4, ROW_PASS_WORKGROUP, ROW_SOFTMAX, ROW_SPLIT_SEGMENT, SOFTMAX_SPLIT_MERGE, WORKGROUP_SUM, withParts } from './wgsl-parts.js';
import type { KernelSpec } from '../gpu/kernel.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import type { Binding } from '../gpu/recorder.js';
import { chunkRange, planBindingChunks, type Chunk } from './chunks.js';
import { dispatchPerLine } from './per-line.js';
import { rowSegments, rowSplitParams, rowSplitUsable } from './row-split.js';
import { SOFTMAX_SPLIT_STATS } from './softmax.js';

const BINDINGS = ['read', 'read', 'write', 'write'] as const;
const ROWS: KernelSpec = { name: 'cross_entropy_rows', code: withParts(rowsWgsl, ENTRY_ROWS, ROW_PASS_LINES, ROW_SOFTMAX), bindings: BINDINGS };
const ROWS_VEC4: KernelSpec = { name: 'cross_entropy_rows_vec4', code: withParts(rowsVec4Wgsl, ENTRY_ROWS, CROSS_ENTROPY_WRITE_VEC4, ROW_PASS_VEC4), bindings: BINDINGS };
const SPLIT_WRITE: KernelSpec = {
  name: 'cross_entropy_split_write',
  code: withParts(splitWriteWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, SOFTMAX_SPLIT_MERGE, CROSS_ENTROPY_WRITE_VEC4, ROW_PASS_VEC4),
  bindings: ['read', 'read', 'read', 'write', 'write'],
};
const SPLIT_LOSS: KernelSpec = { name: 'cross_entropy_split_loss', code: withParts(splitLossWgsl, ENTRY_ROWS, ROW_SPLIT_SEGMENT), bindings: ['read', 'write'] };
const WORKGROUP: KernelSpec = { name: 'cross_entropy_workgroup', code: withParts(workgroupWgsl, ENTRY_WORKGROUP_ROWS, ROW_PASS_WORKGROUP, ROW_PASS_LINES, ROW_SOFTMAX), bindings: BINDINGS };
const REDUCE: KernelSpec = { name: 'loss_reduce', code: withParts(reduceWgsl, WORKGROUP_SUM), bindings: ['read', 'write'] };

export const CROSS_ENTROPY_VARIANTS = ['rows-vec4', 'rows', 'rows-split', 'workgroup'] as const;

export interface CrossEntropyLayout {
  rows: number;
  cols: number;
}

export function crossEntropyVariantUsable(variant: string, layout: CrossEntropyLayout): boolean {
  switch (variant) {
    case 'rows':
    case 'workgroup':
      return true;
    case 'rows-vec4':
      return layout.cols % 4 === 0;
    case 'rows-split':
      return rowSplitUsable({ outer: layout.rows, length: layout.cols, inner: 1 });
    default:
      return false;
  }
}

export function chooseCrossEntropyVariant(gpu: GpuRuntime, layout: CrossEntropyLayout): string {
  const vec4 = layout.cols % 4 === 0;
  if (gpu.profile === 'swiftshader' && crossEntropyVariantUsable('rows-split', layout)) return 'rows-split';
  if (gpu.profile === 'swiftshader' || layout.cols < 32) return vec4 ? 'rows-vec4' : 'rows';
  return 'workgroup';
}

/** u32 row count, u32 row length (in vec4s for the vec4 kernel), f32 scale. */
function params(a: number, b: number, scale: number): ArrayBuffer {
  const buffer = new ArrayBuffer(12);
  new Uint32Array(buffer, 0, 2).set([a, b]);
  new Float32Array(buffer, 8, 1)[0] = scale;
  return buffer;
}

/** Bytes per row of each buffer the fused kernel binds: logits, labels, grad, row losses. */
function rowBytes(layout: CrossEntropyLayout, indexLabels: boolean): number[] {
  const logitBytes = layout.cols * 4;
  return [logitBytes, indexLabels ? 4 : logitBytes, logitBytes, 4];
}

/**
 * The ranges of rows the fused kernel is dispatched over: one for tensors that fit a storage
 * binding, binding-sized ones otherwise (a caller's device at default limits); null when one
 * aligned step of rows is already over the binding limit.
 */
export function planCrossEntropy(gpu: GpuRuntime, layout: CrossEntropyLayout, indexLabels: boolean): Chunk[] | null {
  return planBindingChunks(gpu, layout.rows, rowBytes(layout, indexLabels));
}

/**
 * Records the fused kernel once per range of `chunks` (from planCrossEntropy): `grad` gets
 * (softmax(x) - labels) * gradScale, `rowLoss` one loss per row. `labels` holds float rows of the
 * logits' shape or (indexLabels) one int32 per row.
 */
export function recordCrossEntropy(
  gpu: GpuRuntime,
  op: string,
  variant: string,
  buffers: { logits: GPUBuffer; labels: GPUBuffer; grad: GPUBuffer; rowLoss: GPUBuffer },
  indexLabels: boolean,
  layout: CrossEntropyLayout,
  gradScale: number,
  chunks: readonly Chunk[],
): void {
  const sizes = rowBytes(layout, indexLabels);
  const order = [buffers.logits, buffers.labels, buffers.grad, buffers.rowLoss];
  for (const chunk of chunks) {
    const [logits, labels, grad, rowLoss] = order.map((buffer, i) => chunkRange(buffer, chunk, sizes[i], chunks.length === 1));
    dispatchCrossEntropy(gpu, op, variant, logits, labels, indexLabels, grad, rowLoss, { rows: chunk.count, cols: layout.cols }, gradScale);
  }
}

function dispatchCrossEntropy(
  gpu: GpuRuntime,
  op: string,
  variant: string,
  logits: Binding,
  labels: Binding,
  indexLabels: boolean,
  grad: Binding,
  rowLoss: Binding,
  layout: CrossEntropyLayout,
  gradScale: number,
): void {
  const { rows, cols } = layout;
  if (rows === 0) return;
  const overrides = { indexLabels: indexLabels ? 1 : 0 };
  const bindings = [logits, labels, grad, rowLoss];
  switch (variant) {
    case 'rows':
      dispatchPerLine(gpu, op, ROWS, overrides, bindings, new Uint8Array(params(rows, cols, gradScale)), rows);
      return;
    case 'rows-vec4':
      dispatchPerLine(gpu, op, ROWS_VEC4, overrides, bindings, new Uint8Array(params(rows, cols / 4, gradScale)), rows);
      return;
    case 'rows-split': {
      // The softmax's statistics per segment, each segment's gradient and part of the loss, the
      // parts added per row.
      const vecs = cols / 4;
      const segments = rowSegments(rows, vecs);
      const invocations = rows * segments.parts;
      const split = rowSplitParams(rows, vecs, segments, gradScale);
      const partials = gpu.allocate(op, invocations * 16, 'row partials');
      const parts = gpu.allocate(op, invocations * 4, 'loss parts');
      dispatchPerLine(gpu, op, SOFTMAX_SPLIT_STATS, {}, [logits, partials], split, invocations);
      dispatchPerLine(gpu, op, SPLIT_WRITE, overrides, [logits, labels, partials, grad, parts], split, invocations);
      dispatchPerLine(gpu, op, SPLIT_LOSS, {}, [parts, rowLoss], split, rows);
      gpu.pool.release(partials);
      gpu.pool.release(parts);
      return;
    }
    case 'workgroup': {
      const kernel = gpu.kernel(WORKGROUP, { ...overrides, workgroupSize: 256 });
      gpu.dispatch(op, kernel, bindings, new Uint8Array(params(rows, cols, gradScale)), rows);
      return;
    }
    default:
      throw new Error(`unknown softmaxCrossEntropy variant ${variant}`);
  }
}

/** Records total[0] = scale * sum(rowLoss[0..count)). */
export function recordLossReduce(gpu: GpuRuntime, op: string, rowLoss: Binding, total: Binding, count: number, scale: number): void {
  const kernel = gpu.kernel(REDUCE, { workgroupSize: 256 });
  const block = new ArrayBuffer(8);
  new Uint32Array(block, 0, 1)[0] = count;
  new Float32Array(block, 4, 1)[0] = scale;
  gpu.dispatch(op, kernel, [rowLoss, total], new Uint8Array(block), 1);
}
