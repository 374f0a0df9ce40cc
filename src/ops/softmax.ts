/** ctx.softmax: validate -> pick a kernel variant -> record -> return the output tensor. */
import type { Context } from '../context.js';
import type { Tensor } from '../tensor.js';
import { normalizeAxis, splitAtAxis } from '../shape.js';
import { softmax as cpuSoftmax } from '../cpu/softmax.js';
import { chooseSoftmaxVariant, recordSoftmax, softmaxVariantUsable } from '../kernels/softmax.js';

export function softmax(ctx: Context, x: Tensor, axis = -1): Tensor<'float32'> {
  const op = 'softmax';
  ctx.checkUsable(op);
  ctx.input(op, 'x', x);
  const resolvedAxis = normalizeAxis(op, axis, x.rank);
  const gpu = ctx.gpu;
  if (!gpu) return ctx.cpuOutput(x.shape, cpuSoftmax(x.storage!.data as Float32Array, [...x.shape], resolvedAxis));

  const layout = splitAtAxis(x.shape, resolvedAxis);
  const chosen = ctx.tunedVariant(op, layout) ?? chooseSoftmaxVariant(gpu, layout);
  const variant = ctx.variants.resolve(op, chosen, (v) => softmaxVariantUsable(gpu, v, layout));
  return gpu.captured(op, () => {
    const y = ctx.gpuOutput(op, x.shape);
    try {
      recordSoftmax(gpu, op, variant, x.storage!.buffer!, y.storage!.buffer!, layout);
    } catch (error) {
      y.destroy();
      throw error;
    }
    return y;
  });
}
