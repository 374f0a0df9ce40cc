/**
 * Softmax's variants (kernels.ts, and swiftshader.ts for the software adapter's), the rule that
 * picks one per adapter profile and shape, and its tuning.
 */
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { BufferBinding } from '../../gpu/recorder.js';
import { forEachLineChunk, type LineLayout } from '../shared/chunks.js';
import { lineTuning } from '../../autotune/ops.js';
import { defineVariants, variantSet } from '../definition.js';
import { fixedSubgroupSize, lines, rowsVec4, subgroup, workgroup } from './kernels.js';
import { rowsSplit } from './swiftshader.js';

const VARIANTS = /* @__PURE__ */ variantSet('softmax', [lines, rowsVec4, rowsSplit, subgroup, workgroup]);

/** The default rule; see docs/kernels.md for the measurements behind it. */
export function chooseSoftmaxVariant(gpu: GpuRuntime, layout: LineLayout): string {
  if (layout.inner !== 1) return lines.name;
  const rows = layout.outer;
  const cols = layout.length;
  if (gpu.profile === 'swiftshader') {
    if (cols % 4 !== 0) return lines.name;
    return rowsSplit.usable(gpu, layout) ? rowsSplit.name : rowsVec4.name;
  }
  if (cols < 32) return cols % 4 === 0 ? rowsVec4.name : lines.name;
  if (rows < 1 || cols > 4096 || fixedSubgroupSize(gpu) === null) return workgroup.name;
  return subgroup.name;
}

/**
 * Records softmax of `x` into `y` with the given variant, in binding-sized chunks of lines when
 * the tensors outgrow one storage binding.
 */
export function recordSoftmax(gpu: GpuRuntime, op: string, variant: string, x: BufferBinding, y: BufferBinding, layout: LineLayout): void {
  if (layout.outer * layout.length * layout.inner === 0) return;
  const { record } = VARIANTS.named(variant);
  forEachLineChunk(gpu, op, [x, y], layout, ([xRange, yRange], chunk) => record(gpu, op, xRange, yRange, chunk));
}

export const softmaxVariants = /* @__PURE__ */ defineVariants<LineLayout>({
  op: 'softmax',
  names: VARIANTS.names,
  usable: VARIANTS.usable,
  rule: chooseSoftmaxVariant,
  tuning: /* @__PURE__ */ lineTuning('softmax', 1, (gpu, variant, [x, y], l) => recordSoftmax(gpu, 'autotune', variant, x, y, l)),
});
