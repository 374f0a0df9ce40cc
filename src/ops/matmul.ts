/** ctx.matmul: validate -> pick a GEMM variant -> record -> return the output tensor. */
import type { Context } from '../context.js';
import type { Tensor } from '../tensor.js';
import { SizeLimitError } from '../errors.js';
import { formatShape } from '../shape.js';
import { checkMatmulOptions, planMatmul, type MatmulOptions } from '../linalg.js';
import { matmul as cpuMatmul } from '../cpu/matmul.js';
import { chooseGemmVariant, gemmVariantUsable, PLAIN_GEMM, recordGemm, rowMajorGemm } from '../kernels/matmul.js';
import { chunkRange, planBindingChunks } from '../kernels/chunks.js';

/** Throws if `bytes` of `what` cannot be bound as one storage buffer on this device (`why`: a reason to add). */
export function checkBindable(ctx: Context, op: string, what: string, bytes: number, why = ''): void {
  const limit = ctx.gpu!.limits.maxStorageBufferBindingSize;
  if (bytes > limit) {
    throw new SizeLimitError(op, `${what} needs ${bytes} bytes, over the device's maxStorageBufferBindingSize of ${limit} bytes${why}`);
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
  const layout = rowMajorGemm(m, k, n, { transposeA, transposeB, batches: batch, aBatched: plan.aBatched, bBatched: plan.bBatched });
  const chosen = ctx.tunedVariant('matmul', layout) ?? chooseGemmVariant(gpu, layout);
  const variant = ctx.variants.resolve(op, chosen, (v) => gemmVariantUsable(gpu, v, layout));
  // Operands larger than one binding are recorded in parts: ranges of rows where A is stored
  // row-major and B is shared by the batch (the product is then one of batch * m rows), else
  // ranges of batch entries (batched operands split, shared ones bound whole).
  const rows = !transposeA && !plan.bBatched ? planBindingChunks(gpu, batch * m, [k * 4, n * 4]) : null;
  const batches = batch > 1 ? planBindingChunks(gpu, batch, [plan.aBatched ? m * k * 4 : 0, plan.bBatched ? k * n * 4 : 0, m * n * 4]) : null;
  const parts = rows && rows.length > 1 ? 'rows' : batches && batches.length > 1 ? 'batches' : null;
  if (!parts) {
    // Which operands ranges could split; for those, the ranges found no aligned start (a range
    // must start at a multiple of minStorageBufferOffsetAlignment in every operand it splits).
    const byRows = !transposeA && !plan.bBatched;
    const why = (splits: boolean) => (splits ? ', and it cannot be split into ranges of rows or batch entries that start aligned in every operand' : '');
    checkBindable(ctx, op, 'a', a.byteLength, why(byRows || (batch > 1 && plan.aBatched)));
    checkBindable(ctx, op, 'b', b.byteLength, why(batch > 1 && plan.bBatched));
    checkBindable(ctx, op, `the output ${formatShape(plan.outShape)}`, batch * m * n * 4, why(byRows || batch > 1));
  } else {
    // Operands bound whole.
    if (parts === 'batches' && !plan.aBatched) checkBindable(ctx, op, 'a', a.byteLength);
    if (!plan.bBatched) checkBindable(ctx, op, 'b', b.byteLength);
  }
  return gpu.captured(op, () => {
    const out = ctx.gpuOutput(op, plan.outShape);
    const buffers = { a: a.storage!.buffer!, b: b.storage!.buffer!, out: out.storage!.buffer! };
    if (parts === 'rows') {
      for (const chunk of rows!) {
        const range = { a: chunkRange(buffers.a, chunk, k * 4, false), b: buffers.b, out: chunkRange(buffers.out, chunk, n * 4, false) };
        recordGemm(gpu, op, variant, rowMajorGemm(chunk.count, k, n, { transposeB }), range, PLAIN_GEMM);
      }
    } else if (parts === 'batches') {
      for (const chunk of batches!) {
        const range = {
          a: plan.aBatched ? chunkRange(buffers.a, chunk, m * k * 4, false) : buffers.a,
          b: plan.bBatched ? chunkRange(buffers.b, chunk, k * n * 4, false) : buffers.b,
          out: chunkRange(buffers.out, chunk, m * n * 4, false),
        };
        const part = rowMajorGemm(m, k, n, { transposeA, transposeB, batches: chunk.count, aBatched: plan.aBatched, bBatched: plan.bBatched });
        recordGemm(gpu, op, variant, part, range, PLAIN_GEMM);
      }
    } else {
      recordGemm(gpu, op, variant, layout, buffers, PLAIN_GEMM);
    }
    return out;
  });
}
