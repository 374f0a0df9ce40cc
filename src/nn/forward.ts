/**
 * The forward pass through a model's stages with the library's ops: a Dense stage (with its fused
 * activation) is one dense op; a lone Activation stage is one activation kernel (the softmax op for
 * softmax); a Dropout stage one dropout kernel while training. Used by predict, evaluate, validation and the layer-wise training path.
 */
import type { CoreContext } from '../core-context.js';
import type { Tensor } from '../tensor.js';
import type { Stage } from './layers.js';
import { activationOptions } from '../linalg.js';
import type { ModelCore } from './core.js';
import { dense } from '../ops/dense/definition.js';
import { activationForward, dropout } from '../ops/training/definition.js';

/** The kernel and bias tensors of Dense stage `dense`. */
export function stageWeights(core: ModelCore, dense: number): { w: Tensor; b: Tensor | null } {
  let w: Tensor | null = null;
  let b: Tensor | null = null;
  core.params.forEach((p, i) => {
    if (p.dense !== dense) return;
    if (p.kind === 'kernel') w = core.tensors![i];
    else b = core.tensors![i];
  });
  return { w: w!, b };
}

/**
 * Outputs of every stage for input `x` (the caller destroys them). `step`: the training step
 * (its Dropout masks); null outside training, where Dropout stages pass their input through and
 * add no output.
 */
export function forwardStages(ctx: CoreContext, op: string, core: ModelCore, stages: readonly Stage[], x: Tensor, step: number | null): Tensor[] {
  const outputs: Tensor[] = [];
  let a = x;
  for (const s of stages) {
    let y: Tensor;
    if (s.dropout) {
      if (step === null) continue;
      y = dropout(ctx, op, a, { ...s.dropout, step });
    } else if (s.dense >= 0) {
      const { w, b } = stageWeights(core, s.dense);
      y = dense(ctx, a, w, b, activationOptions(s));
    } else {
      y = activationForward(ctx, op, s.activation, a, s.alpha);
    }
    outputs.push(y);
    a = y;
  }
  return outputs;
}
