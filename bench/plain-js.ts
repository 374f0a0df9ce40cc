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

/** Softmax per row, then the N x N Jacobian diag(s) - s s^T with two loops. */
export function plainSoftmaxJacobian(x: Float32Array, rows: number, cols: number): Float32Array {
  const s = plainSoftmax(x, rows, cols);
  const jac = new Float32Array(rows * cols * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const b = r * cols * cols;
    for (let i = 0; i < cols; i++) {
      for (let j = 0; j < cols; j++) jac[b + i * cols + j] = (i === j ? s[o + i] : 0) - s[o + i] * s[o + j];
    }
  }
  return jac;
}

/** dx = s * (dy - dot(dy, s)) per row. */
export function plainSoftmaxVjp(s: Float32Array, dy: Float32Array, rows: number, cols: number): Float32Array {
  const dx = new Float32Array(s.length);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[o + c] * s[o + c];
    for (let c = 0; c < cols; c++) dx[o + c] = s[o + c] * (dy[o + c] - dot);
  }
  return dx;
}

/** x - max - log(sum(exp(x - max))) per row. */
export function plainLogSoftmax(x: Float32Array, rows: number, cols: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[o + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(x[o + c] - max);
    const logSum = Math.log(sum);
    for (let c = 0; c < cols; c++) y[o + c] = x[o + c] - max - logSum;
  }
  return y;
}

/** Mean cross-entropy of class indices and its gradient: softmax, then -log(p[label]) and p - onehot. */
export function plainCrossEntropy(x: Float32Array, labels: Int32Array, rows: number, cols: number): { loss: number; grad: Float32Array } {
  const p = plainSoftmax(x, rows, cols);
  const grad = new Float32Array(x.length);
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    loss -= Math.log(p[o + labels[r]]);
    for (let c = 0; c < cols; c++) grad[o + c] = (p[o + c] - (c === labels[r] ? 1 : 0)) / rows;
  }
  return { loss: loss / rows, grad };
}
