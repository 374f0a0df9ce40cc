/** softmax: its definition (checks, reference, and the kernels of variants.ts) and its function. */
import type { CoreContext } from '../../core-context.js';
import type { Tensor } from '../../tensor.js';
import { normalizeAxis, splitAtAxis } from '../../shape.js';
import { softmax as referenceSoftmax } from './reference.js';
import { recordSoftmax, softmaxVariants } from './variants.js';
import { chooseVariant, runOp, type OpDefinition } from '../definition.js';
import { recordInto } from '../shared/output.js';
import { tensorRange } from '../../gpu/tensor-range.js';

export const softmaxOp: OpDefinition<[x: Tensor, axis: number], { x: Tensor; axis: number }, Tensor<'float32'>> = {
  name: 'softmax',
  check(ctx, x, axis) {
    ctx.input('softmax', 'x', x);
    return { x, axis: normalizeAxis('softmax', axis, x.rank) };
  },
  reference: (ctx, { x, axis }) => ctx.cpuOutput(x.shape, referenceSoftmax(x.storage!.data as Float32Array, [...x.shape], axis)),
  webgpu(ctx, gpu, { x, axis }) {
    const layout = splitAtAxis(x.shape, axis);
    const variant = chooseVariant(ctx, gpu, softmaxVariants, layout);
    return recordInto(ctx, gpu, 'softmax', x.shape, (y) => recordSoftmax(gpu, 'softmax', variant, tensorRange(x), y, layout));
  },
};

/**
 * Softmax along `axis` (default: the last). Max-subtracted with an online normalizer; see the
 * README for how NaN and infinities behave.
 *
 * @example
 * const p = softmax(ctx, ctx.tensor([[1000, 1000], [1, -Infinity]]));
 * await p.read(); // [0.5, 0.5, 1, 0]
 */
export function softmax(ctx: CoreContext, x: Tensor, axis = -1): Tensor<'float32'> {
  return runOp(ctx, softmaxOp, x, axis);
}
