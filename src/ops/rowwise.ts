/** ctx.logSoftmax, ctx.softmaxVjp, ctx.logSoftmaxVjp: validate -> pick a kernel variant -> record. */
import type { Context } from '../context.js';
import type { Tensor } from '../tensor.js';
import { normalizeAxis, splitAtAxis } from '../shape.js';
import { logSoftmax as cpuLogSoftmax, logSoftmaxVjp as cpuLogSoftmaxVjp, checkSameShape } from '../cpu/logsoftmax.js';
import { softmaxVjp as cpuSoftmaxVjp } from '../cpu/vjp.js';
import {
  chooseRowwiseVariant,
  LOG_SOFTMAX_KERNELS,
  LOG_SOFTMAX_VJP_KERNELS,
  recordRowwise,
  rowwiseVariantUsable,
  SOFTMAX_VJP_KERNELS,
} from '../kernels/rowwise.js';

type Kernels = typeof LOG_SOFTMAX_KERNELS;

function run(ctx: Context, op: string, kernels: Kernels, inputs: Tensor[], axis: number): Tensor {
  const gpu = ctx.gpu!;
  const layout = splitAtAxis(inputs[0].shape, axis);
  const chosen = ctx.tunedVariant(op, layout) ?? chooseRowwiseVariant(gpu, layout);
  const variant = ctx.variants.resolve(op, chosen, (v) => rowwiseVariantUsable(v, layout));
  return gpu.captured(op, () => {
    const y = ctx.gpuOutput(op, inputs[0].shape);
    try {
      recordRowwise(gpu, op, kernels, variant, [...inputs.map((t) => t.storage!.buffer!), y.storage!.buffer!], layout);
    } catch (error) {
      y.destroy();
      throw error;
    }
    return y;
  });
}

export function logSoftmax(ctx: Context, x: Tensor, axis = -1): Tensor {
  const op = 'logSoftmax';
  ctx.checkUsable(op);
  ctx.input(op, 'x', x);
  const resolved = normalizeAxis(op, axis, x.rank);
  if (!ctx.gpu) return ctx.cpuOutput(x.shape, cpuLogSoftmax(x.storage!.data as Float32Array, [...x.shape], resolved));
  return run(ctx, op, LOG_SOFTMAX_KERNELS, [x], resolved);
}

export function softmaxVjp(ctx: Context, s: Tensor, dy: Tensor, axis = -1): Tensor {
  const op = 'softmaxVjp';
  ctx.checkUsable(op);
  ctx.input(op, 's', s);
  ctx.input(op, 'dy', dy);
  checkSameShape(op, 's', s.shape, 'dy', dy.shape);
  const resolved = normalizeAxis(op, axis, s.rank);
  if (!ctx.gpu) {
    return ctx.cpuOutput(s.shape, cpuSoftmaxVjp(s.storage!.data as Float32Array, dy.storage!.data as Float32Array, [...s.shape], resolved));
  }
  return run(ctx, op, SOFTMAX_VJP_KERNELS, [s, dy], resolved);
}

export function logSoftmaxVjp(ctx: Context, logProbs: Tensor, dy: Tensor, axis = -1): Tensor {
  const op = 'logSoftmaxVjp';
  ctx.checkUsable(op);
  ctx.input(op, 'logProbs', logProbs);
  ctx.input(op, 'dy', dy);
  checkSameShape(op, 'logProbs', logProbs.shape, 'dy', dy.shape);
  const resolved = normalizeAxis(op, axis, logProbs.rank);
  if (!ctx.gpu) {
    return ctx.cpuOutput(
      logProbs.shape,
      cpuLogSoftmaxVjp(logProbs.storage!.data as Float32Array, dy.storage!.data as Float32Array, [...logProbs.shape], resolved),
    );
  }
  return run(ctx, op, LOG_SOFTMAX_VJP_KERNELS, [logProbs, dy], resolved);
}
