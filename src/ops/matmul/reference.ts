/**
 * Reference matrix product in plain TypeScript, float64 accumulation, written from the
 * definition (independently of the WGSL kernels).
 */
import { checkMatmulOptions, planMatmul, type MatmulOptions } from '../../linalg.js';
import { checkData } from '../shared/check-data.js';

/**
 * The product of `a` and `b` (row-major, with their shapes): [M, K] x [K, N] -> [M, N], batched
 * [batch, M, K] x [batch, K, N] -> [batch, M, N], and a 2-D operand is shared across the batch of
 * the other. `transposeA` reads `a` stored [K, M], `transposeB` reads `b` stored [N, K].
 * Returns the output data; its shape is [M, N], or [batch, M, N] when either input has a batch.
 *
 * @example
 * cpu.matmul(new Float32Array([1, 2, 3, 4]), [2, 2], new Float32Array([1, 0, 0, 1]), [2, 2]); // [1, 2, 3, 4]
 */
export function matmul(a: Float32Array, aShape: number[], b: Float32Array, bShape: number[], options?: MatmulOptions): Float32Array {
  const op = 'cpu.matmul';
  checkData(op, 'a', a, aShape);
  checkData(op, 'b', b, bShape);
  const { transposeA, transposeB } = checkMatmulOptions(op, options);
  const { batch, m, k, n, aBatched, bBatched } = planMatmul(op, aShape, bShape, transposeA, transposeB);
  const out = new Float32Array(batch * m * n);
  const row = new Float64Array(n);
  for (let t = 0; t < batch; t++) {
    const aBase = aBatched ? t * m * k : 0;
    const bBase = bBatched ? t * k * n : 0;
    for (let i = 0; i < m; i++) {
      row.fill(0);
      for (let p = 0; p < k; p++) {
        const av = a[aBase + (transposeA ? p * m + i : i * k + p)];
        if (transposeB) {
          for (let j = 0; j < n; j++) row[j] += av * b[bBase + j * k + p];
        } else {
          const bRow = bBase + p * n;
          for (let j = 0; j < n; j++) row[j] += av * b[bRow + j];
        }
      }
      out.set(row, (t * m + i) * n);
    }
  }
  return out;
}
