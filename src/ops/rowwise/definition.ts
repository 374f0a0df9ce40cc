/**
 * logSoftmax, softmaxVjp and logSoftmaxVjp: ops that reduce along one axis and write one value per
 * element. They share their variants, rule and tuning (variants.ts) and differ in kernels
 * and reference.
 */
import type { CoreContext } from '../../core-context.js';
import type { Tensor } from '../../tensor.js';
import { normalizeAxis, splitAtAxis } from '../../shape.js';
import { logSoftmax as referenceLogSoftmax, logSoftmaxVjp as referenceLogSoftmaxVjp, checkSameShape } from './reference-log-softmax.js';
import { softmaxVjp as referenceSoftmaxVjp } from './reference-vjp.js';
import type { LineLayout } from '../shared/chunks.js';
import { SOFTMAX_VJP_KERNELS, type RowwiseKernels } from './kernels.js';
import { LOG_SOFTMAX_KERNELS, LOG_SOFTMAX_VJP_KERNELS } from './log-softmax-kernels.js';
import { recordRowwise, rowwiseVariants } from './variants.js';
import { chooseVariant, runOp, type OpDefinition, type OpVariants } from '../definition.js';
import { recordInto } from '../shared/output.js';
import { tensorRange } from '../../gpu/tensor-range.js';

export const logSoftmaxVariants = /* @__PURE__ */ rowwiseVariants('logSoftmax', LOG_SOFTMAX_KERNELS, 1);
export const softmaxVjpVariants = /* @__PURE__ */ rowwiseVariants('softmaxVjp', SOFTMAX_VJP_KERNELS, 2);
export const logSoftmaxVjpVariants = /* @__PURE__ */ rowwiseVariants('logSoftmaxVjp', LOG_SOFTMAX_VJP_KERNELS, 2);

interface RowwiseArgs {
  /** The inputs, all of one shape. */
  inputs: Tensor[];
  axis: number;
}

/**
 * The definition of a row-wise op: `args` names its tensor arguments (checked as float32 tensors of
 * one shape), `reference` is its CPU reference over their data.
 */
function rowwiseOp<In extends Tensor[]>(
  variants: OpVariants<LineLayout>,
  kernels: RowwiseKernels,
  args: string[],
  reference: (data: Float32Array[], shape: number[], axis: number) => Float32Array,
): OpDefinition<[...In, number], RowwiseArgs, Tensor> {
  const op = variants.op;
  return {
    name: op,
    check(ctx, ...input) {
      const inputs = input.slice(0, -1) as Tensor[];
      inputs.forEach((t, i) => ctx.input(op, args[i], t));
      for (let i = 1; i < inputs.length; i++) checkSameShape(op, args[0], inputs[0].shape, args[i], inputs[i].shape);
      return { inputs, axis: normalizeAxis(op, input[input.length - 1], inputs[0].rank) };
    },
    reference: (ctx, { inputs, axis }) =>
      ctx.cpuOutput(inputs[0].shape, reference(inputs.map((t) => t.storage!.data as Float32Array), [...inputs[0].shape], axis)),
    webgpu(ctx, gpu, { inputs, axis }) {
      const layout = splitAtAxis(inputs[0].shape, axis);
      const variant = chooseVariant(ctx, gpu, variants, layout);
      return recordInto(ctx, gpu, op, inputs[0].shape, (y) => recordRowwise(gpu, op, kernels, variant, [...inputs.map(tensorRange), y], layout));
    },
  };
}

export const logSoftmaxOp = /* @__PURE__ */ rowwiseOp<[Tensor]>(logSoftmaxVariants, LOG_SOFTMAX_KERNELS, ['x'], ([x], shape, axis) => referenceLogSoftmax(x, shape, axis));
export const softmaxVjpOp = /* @__PURE__ */ rowwiseOp<[Tensor, Tensor]>(softmaxVjpVariants, SOFTMAX_VJP_KERNELS, ['s', 'dy'], ([s, dy], shape, axis) => referenceSoftmaxVjp(s, dy, shape, axis));
export const logSoftmaxVjpOp = /* @__PURE__ */ rowwiseOp<[Tensor, Tensor]>(logSoftmaxVjpVariants, LOG_SOFTMAX_VJP_KERNELS, ['logProbs', 'dy'], ([lp, dy], shape, axis) =>
  referenceLogSoftmaxVjp(lp, dy, shape, axis),
);

/**
 * Log-softmax along `axis` (default: the last), computed stably as
 * x - max - log(sum(exp(x - max))). A line of only `-Infinity` gives `-Infinity`; NaN and
 * `+Infinity` follow softmax's rules (see notes/derivatives.md).
 *
 * @example
 * const lp = logSoftmax(ctx, ctx.tensor([[0, 0], [0, -Infinity]]));
 * await lp.read(); // [-0.693, -0.693, 0, -Infinity]
 */
export function logSoftmax(ctx: CoreContext, x: Tensor, axis = -1): Tensor {
  return runOp(ctx, logSoftmaxOp, x, axis);
}

/**
 * Backward pass of softmax without building the Jacobian: given s = softmax(x) and dy, the
 * gradient of a loss with respect to s, returns the gradient with respect to x,
 * dx = s * (dy - sum(dy * s)) along `axis`, in one kernel. The Jacobian is symmetric, so this
 * is also the Jacobian-vector product J v (pass v as `dy`).
 *
 * @example
 * const s = softmax(ctx, x);
 * const dx = softmaxVjp(ctx, s, dy);   // == J^T dy per row, J = softmaxJacobian(x)
 */
export function softmaxVjp(ctx: CoreContext, s: Tensor, dy: Tensor, axis = -1): Tensor {
  return runOp(ctx, softmaxVjpOp, s, dy, axis);
}

/**
 * Backward pass of log-softmax: given logProbs = logSoftmax(x) and dy, the gradient with
 * respect to logProbs, returns dy - exp(logProbs) * sum(dy) along `axis`.
 *
 * @example
 * const lp = logSoftmax(ctx, x);
 * const dx = logSoftmaxVjp(ctx, lp, dy);
 */
export function logSoftmaxVjp(ctx: CoreContext, logProbs: Tensor, dy: Tensor, axis = -1): Tensor {
  return runOp(ctx, logSoftmaxVjpOp, logProbs, dy, axis);
}
