/** ctx.matmul: validate -> pick a GEMM variant -> record -> return the output tensor. */
import type { Context } from '../context.js';
import type { Tensor } from '../tensor.js';
import { SizeLimitError } from '../errors.js';
import { formatShape } from '../shape.js';
import { checkMatmulOptions, planMatmul, type MatmulOptions } from '../linalg.js';
import { matmul as cpuMatmul } from '../cpu/matmul.js';
import { chooseGemmVariant, gemmVariantUsable, PLAIN_GEMM, recordGemm, rowMajorGemm } from '../kernels/matmul.js';

/** Throws if `bytes` of `what` cannot be bound as one storage buffer on this device. */
export function checkBindable(ctx: Context, op: string, what: string, bytes: number): void {
  const limit = ctx.gpu!.limits.maxStorageBufferBindingSize;
  if (bytes > limit) {
    throw new SizeLimitError(op, `${what} needs ${bytes} bytes, over the device's maxStorageBufferBindingSize of ${limit} bytes`);
  }
}

export function matmul(ctx: Context, a: Tensor, b: Tensor, options?: MatmulOptions): Tensor {
  const op = 'matmul';
  ctx.checkUsable(op);
  ctx.input(op, 'a', a);
  ctx.input(op, 'b', b);
  const { transposeA, transposeB } = checkMatmulOptions(op, options);
  const plan = planMatmul(op, a.shape, b.shape, transposeA, transposeB);
  const gpu = ctx.gpu;
  if (!gpu) {
    const data = cpuMatmul(a.storage!.data as Float32Array, [...a.shape], b.storage!.data as Float32Array, [...b.shape], { transposeA, transposeB });
    return ctx.cpuOutput(plan.outShape, data);
  }
  const { batch, m, k, n } = plan;
  checkBindable(ctx, op, 'a', a.byteLength);
  checkBindable(ctx, op, 'b', b.byteLength);
  checkBindable(ctx, op, `the output ${formatShape(plan.outShape)}`, batch * m * n * 4);
  const layout = rowMajorGemm(m, k, n, { transposeA, transposeB, batches: batch, aBatched: plan.aBatched, bBatched: plan.bBatched });
  const chosen = ctx.tunedVariant('matmul', layout) ?? chooseGemmVariant(gpu, layout);
  const variant = ctx.variants.resolve(op, chosen, (v) => gemmVariantUsable(gpu, v));
  return gpu.captured(op, () => {
    const out = ctx.gpuOutput(op, plan.outShape);
    recordGemm(gpu, op, variant, layout, { a: a.storage!.buffer!, b: b.storage!.buffer!, out: out.storage!.buffer! }, PLAIN_GEMM);
    return out;
  });
}
