/** ctx.softmaxJacobian and ctx.softmaxJacobianFromProbs: validate -> pick a variant -> record. */
import type { Context } from '../context.js';
import type { Tensor } from '../tensor.js';
import { SizeLimitError } from '../errors.js';
import { formatShape } from '../shape.js';
import { lastAxisLayout, softmaxJacobian as cpuJacobian, softmaxJacobianFromProbs as cpuJacobianFromProbs } from '../cpu/jacobian.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import {
  chooseJacobianProbsVariant,
  chooseJacobianVariant,
  jacobianProbsVariantUsable,
  jacobianVariantUsable,
  recordJacobian,
  recordJacobianFromProbs,
} from '../kernels/jacobian.js';

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

export function softmaxJacobian(ctx: Context, x: Tensor, axis = -1): Tensor {
  const op = 'softmaxJacobian';
  ctx.checkUsable(op);
  ctx.input(op, 'x', x);
  const layout = lastAxisLayout(op, x.shape, axis);
  const outShape = [...x.shape, layout.cols];
  const gpu = ctx.gpu;
  if (!gpu) return ctx.cpuOutput(outShape, cpuJacobian(x.storage!.data as Float32Array, [...x.shape]));
  checkOutputSize(gpu, op, 'x', x.shape, outShape);
  const variant = ctx.variants.resolve(op, chooseJacobianVariant(gpu, layout), (v) => jacobianVariantUsable(gpu, v, layout));
  return gpu.captured(op, () => {
    const jac = ctx.gpuOutput(op, outShape);
    recordJacobian(gpu, op, variant, x.storage!.buffer!, jac.storage!.buffer!, layout);
    return jac;
  });
}

export function softmaxJacobianFromProbs(ctx: Context, s: Tensor, axis = -1): Tensor {
  const op = 'softmaxJacobianFromProbs';
  ctx.checkUsable(op);
  ctx.input(op, 's', s);
  const layout = lastAxisLayout(op, s.shape, axis);
  const outShape = [...s.shape, layout.cols];
  const gpu = ctx.gpu;
  if (!gpu) return ctx.cpuOutput(outShape, cpuJacobianFromProbs(s.storage!.data as Float32Array, [...s.shape]));
  checkOutputSize(gpu, op, 's', s.shape, outShape);
  const variant = ctx.variants.resolve(op, chooseJacobianProbsVariant(gpu, layout), (v) => jacobianProbsVariantUsable(gpu, v, layout));
  return gpu.captured(op, () => {
    const jac = ctx.gpuOutput(op, outShape);
    recordJacobianFromProbs(gpu, op, variant, s.storage!.buffer!, jac.storage!.buffer!, layout);
    return jac;
  });
}
