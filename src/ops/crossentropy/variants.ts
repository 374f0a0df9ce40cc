/**
 * softmaxCrossEntropy's variants (kernels.ts, and swiftshader.ts for the software adapter's), the
 * rule per adapter profile and shape, and the record function that splits rows into
 * binding-sized ranges.
 */
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { BufferBinding } from '../../gpu/recorder.js';
import { chunkRange, planBindingChunks, type Chunk } from '../shared/chunks.js';
import { defineVariants, variantSet } from '../definition.js';
import { rows, rowsVec4, workgroup, type CrossEntropyLayout } from './kernels.js';
import { rowsSplit } from './swiftshader.js';

const VARIANTS = /* @__PURE__ */ variantSet('softmaxCrossEntropy', [rowsVec4, rows, rowsSplit, workgroup]);

export function chooseCrossEntropyVariant(gpu: GpuRuntime, layout: CrossEntropyLayout): string {
  const vec4 = layout.cols % 4 === 0;
  if (gpu.profile === 'swiftshader' && rowsSplit.usable(gpu, layout)) return rowsSplit.name;
  if (gpu.profile === 'swiftshader' || layout.cols < 32) return vec4 ? rowsVec4.name : rows.name;
  return workgroup.name;
}

export const softmaxCrossEntropyVariants = /* @__PURE__ */ defineVariants<CrossEntropyLayout>({
  op: 'softmaxCrossEntropy',
  names: VARIANTS.names,
  usable: VARIANTS.usable,
  rule: chooseCrossEntropyVariant,
});

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
  buffers: { logits: BufferBinding; labels: BufferBinding; grad: BufferBinding; rowLoss: BufferBinding },
  indexLabels: boolean,
  layout: CrossEntropyLayout,
  gradScale: number,
  chunks: readonly Chunk[],
): void {
  const { record } = VARIANTS.named(variant);
  const sizes = rowBytes(layout, indexLabels);
  const order = [buffers.logits, buffers.labels, buffers.grad, buffers.rowLoss];
  for (const chunk of chunks) {
    if (chunk.count === 0) continue;
    const [logits, labels, grad, rowLoss] = order.map((buffer, i) => chunkRange(buffer, chunk, sizes[i], chunks.length === 1));
    record(gpu, op, { logits, labels, grad, rowLoss, indexLabels, layout: { rows: chunk.count, cols: layout.cols }, gradScale });
  }
}
