/** matmul: its definition and function (the GEMM variants it shares with dense: variants.ts). */
import type { CoreContext } from '../../core-context.js';
import type { Tensor } from '../../tensor.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import { tensorRange } from '../../gpu/tensor-range.js';
import { SizeLimitError } from '../../errors.js';
import { formatShape } from '../../shape.js';
import { checkMatmulOptions, MATMUL_OPTIONS, planMatmul, type MatmulOptions, type MatmulPlan } from '../../linalg.js';
import { matmul as referenceMatmul } from './reference.js';
import { PLAIN_GEMM, rowMajorGemm } from './kernels.js';
import { matmulVariants, recordGemm } from './variants.js';
import { chunkRange, planBindingChunks } from '../shared/chunks.js';
import { chooseVariant, runOp, type OpDefinition } from '../definition.js';

/** Throws if `bytes` of `what` cannot be bound as one storage buffer on this device (`why`: a reason to add). */
export function checkBindable(gpu: GpuRuntime, op: string, what: string, bytes: number, why = ''): void {
  const limit = gpu.limits.maxStorageBufferBindingSize;
  if (bytes > limit) {
    throw new SizeLimitError(op, `${what} needs ${bytes} bytes, over the device's maxStorageBufferBindingSize of ${limit} bytes${why}`);
  }
}

interface MatmulArgs {
  a: Tensor;
  b: Tensor;
  transposeA: boolean;
  transposeB: boolean;
  plan: MatmulPlan;
}

export const matmulOp: OpDefinition<[a: Tensor, b: Tensor, options: MatmulOptions | undefined], MatmulArgs, Tensor> = {
  name: 'matmul',
  options: MATMUL_OPTIONS,
  check(ctx, a, b, options) {
    const op = 'matmul';
    ctx.input(op, 'a', a);
    ctx.input(op, 'b', b);
    const { transposeA, transposeB } = checkMatmulOptions(op, options);
    return { a, b, transposeA, transposeB, plan: planMatmul(op, a.shape, b.shape, transposeA, transposeB) };
  },
  reference: (ctx, { a, b, transposeA, transposeB, plan }) =>
    ctx.cpuOutput(plan.outShape, referenceMatmul(a.storage!.data as Float32Array, [...a.shape], b.storage!.data as Float32Array, [...b.shape], { transposeA, transposeB })),
  webgpu(ctx, gpu, { a, b, transposeA, transposeB, plan }) {
    const op = 'matmul';
    const { batch, m, k, n } = plan;
    const layout = rowMajorGemm(m, k, n, { transposeA, transposeB, batches: batch, aBatched: plan.aBatched, bBatched: plan.bBatched });
    const variant = chooseVariant(ctx, gpu, matmulVariants, layout);
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
      checkBindable(gpu, op, 'a', a.byteLength, why(byRows || (batch > 1 && plan.aBatched)));
      checkBindable(gpu, op, 'b', b.byteLength, why(batch > 1 && plan.bBatched));
      checkBindable(gpu, op, `the output ${formatShape(plan.outShape)}`, batch * m * n * 4, why(byRows || batch > 1));
    } else {
      // Operands bound whole.
      if (parts === 'batches' && !plan.aBatched) checkBindable(gpu, op, 'a', a.byteLength);
      if (!plan.bBatched) checkBindable(gpu, op, 'b', b.byteLength);
    }
    return gpu.captured(op, () => {
      const out = ctx.gpuOutput(op, plan.outShape);
      const buffers = { a: tensorRange(a), b: tensorRange(b), out: tensorRange(out) };
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
};

/**
 * Matrix product: [M, K] x [K, N] -> [M, N]; batched [batch, M, K] x [batch, K, N] ->
 * [batch, M, N], where a 2-D operand is shared by every batch entry of the other.
 * `transposeA` reads `a` stored as [K, M] and `transposeB` reads `b` stored as [N, K], in the
 * kernel (nothing is transposed in memory). Accumulates in f32.
 *
 * @example
 * const c = matmul(ctx, ctx.tensor([[1, 2], [3, 4]]), ctx.tensor([[5, 6], [7, 8]]));
 * await c.read(); // [19, 22, 43, 50]
 * const g = matmul(ctx, x, x, { transposeA: true });  // x^T x
 */
export function matmul(ctx: CoreContext, a: Tensor, b: Tensor, options?: MatmulOptions): Tensor {
  return runOp(ctx, matmulOp, a, b, options);
}
