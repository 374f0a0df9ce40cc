/**
 * Reference softmax Jacobians in plain TypeScript, float64 arithmetic, written from the
 * definition dS_i/dx_j = S_i * (delta_ij - S_j), i.e. J = diag(S) - S S^T per batch row.
 */
import { lastAxisLayout } from '../../shape.js';
import { checkData } from '../shared/check-data.js';
import { lineStats, softmaxEntry } from '../softmax/reference.js';

/** Writes diag(s) - s s^T for one row of probabilities (float64) into out at `at`. */
function writeBlock(s: ArrayLike<number>, start: number, n: number, out: Float32Array, at: number): void {
  for (let i = 0; i < n; i++) {
    const si = s[start + i];
    for (let j = 0; j < n; j++) {
      out[at + i * n + j] = i === j ? si * (1 - si) : -si * s[start + j];
    }
  }
}

/**
 * Jacobian of softmax over the last axis: logits of shape [..., N] give [..., N, N] with
 * J[i][j] = s_i * (delta_ij - s_j), s = softmax(x) (with softmax's rules for NaN and infinities,
 * so a row holding a NaN gives a block of NaN).
 *
 * @example
 * cpu.softmaxJacobian(new Float32Array([0, 0]), [2]); // [0.25, -0.25, -0.25, 0.25]
 */
export function softmaxJacobian(x: Float32Array, shape: number[], axis = -1): Float32Array {
  const op = 'cpu.softmaxJacobian';
  checkData(op, 'x', x, shape);
  const { rows, cols } = lastAxisLayout(op, shape, axis);
  const out = new Float32Array(rows * cols * cols);
  const s = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const stats = lineStats(x, r * cols, cols, 1);
    for (let k = 0; k < cols; k++) s[k] = softmaxEntry(x[r * cols + k], stats);
    writeBlock(s, 0, cols, out, r * cols * cols);
  }
  return out;
}

/**
 * Jacobian of softmax from probabilities s of shape [..., N]: [..., N, N] with
 * J[i][j] = s_i * (delta_ij - s_j), elementwise IEEE arithmetic (a NaN in s_k gives NaN in row
 * and column k of its block).
 *
 * @example
 * cpu.softmaxJacobianFromProbs(new Float32Array([0.5, 0.5]), [2]); // [0.25, -0.25, -0.25, 0.25]
 */
export function softmaxJacobianFromProbs(s: Float32Array, shape: number[], axis = -1): Float32Array {
  const op = 'cpu.softmaxJacobianFromProbs';
  checkData(op, 's', s, shape);
  const { rows, cols } = lastAxisLayout(op, shape, axis);
  const out = new Float32Array(rows * cols * cols);
  for (let r = 0; r < rows; r++) writeBlock(s, r * cols, cols, out, r * cols * cols);
  return out;
}
