/**
 * The "obvious" implementations a JavaScript developer would write first, untuned on purpose:
 * they are the baseline the library is compared with, not references.
 */

/** Three loops per row: max, sum of exp, divide. */
export function plainSoftmax(x: Float32Array, rows: number, cols: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[o + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(x[o + c] - max);
    for (let c = 0; c < cols; c++) y[o + c] = Math.exp(x[o + c] - max) / sum;
  }
  return y;
}

/** [m, k] x [k, n] with the i-k-j loop order (row of b streamed per element of a). */
export function plainMatmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const av = a[i * k + p];
      for (let j = 0; j < n; j++) c[i * n + j] += av * b[p * n + j];
    }
  }
  return c;
}
