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
