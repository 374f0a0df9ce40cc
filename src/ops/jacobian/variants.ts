/**
 * The variants of softmaxJacobian and softmaxJacobianFromProbs (kernels.ts) and their rules per
 * adapter profile and shape (see kernels.ts for the measurements).
 */
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { BufferBinding } from '../../gpu/recorder.js';
import { defineVariants, variantSet, type VariantSet } from '../definition.js';
import {
  block,
  blockVec4,
  elements,
  elementsVec4,
  probsBlock,
  probsBlockVec4,
  rows,
  workgroup,
  workgroupMaxCols,
  type JacobianLayout,
  type JacobianVariant,
} from './kernels.js';

type JacobianVariants = VariantSet<JacobianLayout, JacobianVariant>;

const FROM_LOGITS: JacobianVariants = /* @__PURE__ */ variantSet('softmaxJacobian', [blockVec4, block, workgroup, rows]);
const FROM_PROBS: JacobianVariants = /* @__PURE__ */ variantSet('softmaxJacobianFromProbs', [probsBlockVec4, probsBlock, elementsVec4, elements]);

/** The default rule for softmaxJacobian. */
export function chooseJacobianVariant(gpu: GpuRuntime, layout: JacobianLayout): string {
  const preferBlock = layout.cols % 4 === 0 ? blockVec4 : block;
  const preferred = gpu.profile === 'gpu' && layout.cols <= workgroupMaxCols(gpu) ? workgroup : preferBlock;
  return preferred.usable(gpu, layout) ? preferred.name : rows.name;
}

/** The default rule for softmaxJacobianFromProbs. */
export function chooseJacobianProbsVariant(gpu: GpuRuntime, layout: JacobianLayout): string {
  const vec4 = layout.cols % 4 === 0;
  if (gpu.profile === 'swiftshader' && probsBlock.usable(gpu, layout)) return vec4 ? probsBlockVec4.name : probsBlock.name;
  return vec4 ? elementsVec4.name : elements.name;
}

export const softmaxJacobianVariants = /* @__PURE__ */ defineVariants<JacobianLayout>({
  op: 'softmaxJacobian',
  names: FROM_LOGITS.names,
  usable: FROM_LOGITS.usable,
  rule: chooseJacobianVariant,
});

export const softmaxJacobianFromProbsVariants = /* @__PURE__ */ defineVariants<JacobianLayout>({
  op: 'softmaxJacobianFromProbs',
  names: FROM_PROBS.names,
  usable: FROM_PROBS.usable,
  rule: chooseJacobianProbsVariant,
});

/** Records softmaxJacobian of logits `input` into `output` ([rows, cols, cols]). */
export function recordJacobian(gpu: GpuRuntime, op: string, variant: string, input: BufferBinding, output: BufferBinding, layout: JacobianLayout): void {
  if (layout.rows * layout.cols === 0) return;
  FROM_LOGITS.named(variant).record(gpu, op, input, output, layout);
}

/** Records softmaxJacobianFromProbs of probabilities `input` into `output` ([rows, cols, cols]). */
export function recordJacobianFromProbs(gpu: GpuRuntime, op: string, variant: string, input: BufferBinding, output: BufferBinding, layout: JacobianLayout): void {
  if (layout.rows * layout.cols === 0) return;
  FROM_PROBS.named(variant).record(gpu, op, input, output, layout);
}
