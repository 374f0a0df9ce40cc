/** softmaxJacobian and softmaxJacobianFromProbs: their definitions and functions. */
import type { CoreContext } from '../../core-context.js';
import type { Tensor } from '../../tensor.js';
import { SizeLimitError } from '../../errors.js';
import { formatShape, lastAxisLayout } from '../../shape.js';
import { softmaxJacobian as referenceJacobian, softmaxJacobianFromProbs as referenceJacobianFromProbs } from './reference.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import { tensorRange } from '../../gpu/tensor-range.js';
import type { JacobianLayout } from './kernels.js';
import { recordJacobian, recordJacobianFromProbs, softmaxJacobianFromProbsVariants, softmaxJacobianVariants } from './variants.js';
import { chooseVariant, runOp, type OpDefinition, type OpVariants } from '../definition.js';

function bytesText(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Refuses Jacobians larger than one buffer may be, before anything is recorded. */
function checkOutputSize(gpu: GpuRuntime, op: string, arg: string, inputShape: readonly number[], outShape: readonly number[]): void {
  const bytes = outShape.reduce((a, b) => a * b, 1) * 4;
  const limit = gpu.limits.maxBufferSize;
  if (bytes > limit) {
    throw new SizeLimitError(
      op,
      `the Jacobian of ${arg} ${formatShape(inputShape)} has shape ${formatShape(outShape)}: ${bytes} bytes (${bytesText(bytes)}), ` +
        `over the device's maxBufferSize of ${limit} bytes (${bytesText(limit)})`,
    );
  }
}

interface JacobianArgs {
  input: Tensor;
  layout: JacobianLayout;
  outShape: number[];
}

/** A Jacobian op: `arg` names its input; `reference` and `record` compute it from that input. */
function jacobianOp(
  variants: OpVariants<JacobianLayout>,
  arg: string,
  reference: (data: Float32Array, shape: number[]) => Float32Array,
  record: typeof recordJacobian,
): OpDefinition<[input: Tensor, axis: number], JacobianArgs, Tensor> {
  const op = variants.op;
  return {
    name: op,
    check(ctx, input, axis) {
      ctx.input(op, arg, input);
      const layout = lastAxisLayout(op, input.shape, axis);
      return { input, layout, outShape: [...input.shape, layout.cols] };
    },
    reference: (ctx, { input, outShape }) => ctx.cpuOutput(outShape, reference(input.storage!.data as Float32Array, [...input.shape])),
    webgpu(ctx, gpu, { input, layout, outShape }) {
      checkOutputSize(gpu, op, arg, input.shape, outShape);
      const variant = chooseVariant(ctx, gpu, variants, layout);
      return gpu.captured(op, () => {
        const jac = ctx.gpuOutput(op, outShape);
        record(gpu, op, variant, tensorRange(input), tensorRange(jac), layout);
        return jac;
      });
    },
  };
}

export const softmaxJacobianOp = /* @__PURE__ */ jacobianOp(softmaxJacobianVariants, 'x', referenceJacobian, recordJacobian);
export const softmaxJacobianFromProbsOp = /* @__PURE__ */ jacobianOp(softmaxJacobianFromProbsVariants, 's', referenceJacobianFromProbs, recordJacobianFromProbs);

/**
 * The Jacobian of softmax over the last axis, from logits: [..., N] -> [..., N, N] with
 * J[i][j] = s_i * (delta_ij - s_j), i.e. diag(s) - s s^T per row, s = softmax(x) computed in the
 * same kernel. Outputs larger than a storage binding are written in chunks; outputs larger than
 * the device's maxBufferSize throw a SizeLimitError. `axis` must name the last axis (for now).
 *
 * @example
 * const J = softmaxJacobian(ctx, ctx.tensor([0, 0]));
 * await J.read(); // [0.25, -0.25, -0.25, 0.25]  (shape [2, 2])
 */
export function softmaxJacobian(ctx: CoreContext, x: Tensor, axis = -1): Tensor {
  return runOp(ctx, softmaxJacobianOp, x, axis);
}

/**
 * The Jacobian of softmax from probabilities s (e.g. the output of `softmax`):
 * [..., N] -> [..., N, N] with J[i][j] = s_i * (delta_ij - s_j). Same limits as
 * `softmaxJacobian`.
 *
 * @example
 * const J = softmaxJacobianFromProbs(ctx, softmax(ctx, x));
 */
export function softmaxJacobianFromProbs(ctx: CoreContext, s: Tensor, axis = -1): Tensor {
  return runOp(ctx, softmaxJacobianFromProbsOp, s, axis);
}
