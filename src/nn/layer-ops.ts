/**
 * The library ops the layer-wise training path, predict and evaluate are built on (ctx.dense,
 * ctx.denseBackward, ctx.matmul, ctx.softmaxCrossEntropy), reached through one narrow interface.
 */
import type { Context } from '../context';
import type { Tensor } from '../tensor';
import type { ActivationName } from './activations';

export interface LayerOps {
  dense(x: Tensor, w: Tensor, b?: Tensor | null, activation?: ActivationName): Tensor;
  denseBackward(args: { x: Tensor; w: Tensor; y: Tensor; dy: Tensor; activation?: ActivationName; hasBias?: boolean }): { dx: Tensor; dw: Tensor; db: Tensor | null };
  matmul(a: Tensor, b: Tensor, options?: { transposeA?: boolean; transposeB?: boolean }): Tensor;
  softmaxCrossEntropy(logits: Tensor, labels: Tensor, options?: { reduction?: 'none' | 'mean' | 'sum' }): { loss: Tensor; grad: Tensor };
}

export function layerOps(ctx: Context): LayerOps {
  return ctx as unknown as LayerOps;
}
