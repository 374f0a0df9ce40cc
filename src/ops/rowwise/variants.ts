/**
 * The row-wise ops' variants (kernels.ts, and swiftshader.ts for the software adapter's), shared by
 * logSoftmax, softmaxVjp and logSoftmaxVjp with each op's kernels; the rule per adapter profile
 * and shape; how an op declares them with its kernels (definition.ts does, per op).
 */
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { Binding, BufferBinding } from '../../gpu/recorder.js';
import { forEachLineChunk, type LineLayout } from '../shared/chunks.js';
import { rowSplitUsable } from '../shared/row-split.js';
import { lineTuning } from '../../autotune/ops.js';
import { defineVariants, variantSet, type OpVariants } from '../definition.js';
import { lines, rowsVec4, SOFTMAX_VJP_KERNELS, workgroup, type RowwiseKernels } from './kernels.js';
import { rowsSplit } from './swiftshader.js';

const VARIANTS = /* @__PURE__ */ variantSet('row-wise op', [lines, rowsVec4, rowsSplit, workgroup]);

/**
 * The default rule, softmax's without the subgroup kernel: SwiftShader runs one invocation per
 * row (vec4 when it can), a few long rows in segments; real GPUs a workgroup per row once rows
 * are long enough to feed one.
 */
export function chooseRowwiseVariant(gpu: GpuRuntime, layout: LineLayout): string {
  if (layout.inner !== 1) return lines.name;
  const vec4 = layout.length % 4 === 0;
  if (gpu.profile === 'swiftshader') return rowSplitUsable(layout) ? rowsSplit.name : vec4 ? rowsVec4.name : lines.name;
  if (layout.length < 32) return vec4 ? rowsVec4.name : lines.name;
  return workgroup.name;
}

/**
 * Records `variant` over `buffers` (the inputs then the output, all of the layout's size), in
 * binding-sized chunks of lines when the tensors outgrow one storage binding.
 */
export function recordRowwise(gpu: GpuRuntime, op: string, kernels: RowwiseKernels, variant: string, buffers: readonly BufferBinding[], layout: LineLayout): void {
  if (layout.outer * layout.length * layout.inner === 0) return;
  const { record } = VARIANTS.named(variant);
  forEachLineChunk(gpu, op, buffers, layout, (bindings, chunk) => record(gpu, op, kernels, bindings, chunk));
}

/**
 * dx = y * (dy - <dy, y>) over `rows` rows of `cols` already bound, with the rule's variant: the
 * gradient through a softmax activation in denseBackward and in the training loop, so that every
 * softmax gradient runs these kernels and follows ctx.softmaxVjp's rules.
 */
export function recordSoftmaxVjpRows(gpu: GpuRuntime, op: string, y: Binding, dy: Binding, dx: Binding, rows: number, cols: number): void {
  if (rows * cols === 0) return;
  const layout = { outer: rows, length: cols, inner: 1 };
  VARIANTS.named(chooseRowwiseVariant(gpu, layout)).record(gpu, op, SOFTMAX_VJP_KERNELS, [y, dy, dx], layout);
}

/** One row-wise op's declared variants over its kernels, `inputs` tensors feeding its tuning. */
/* @__NO_SIDE_EFFECTS__ */
export function rowwiseVariants(op: string, kernels: RowwiseKernels, inputs: number): OpVariants<LineLayout> {
  return defineVariants<LineLayout>({
    op,
    names: VARIANTS.names,
    usable: VARIANTS.usable,
    rule: chooseRowwiseVariant,
    tuning: lineTuning(op, inputs, (gpu, variant, buffers, l) => recordRowwise(gpu, 'autotune', kernels, variant, buffers, l)),
  });
}
