/**
 * Reference log-softmax and its vector-Jacobian product in plain TypeScript, float64
 * accumulation, written from the definitions:
 *   logSoftmax(x)_k = x_k - max - log(sum_j exp(x_j - max)),
 *   d/dx of <dy, logSoftmax(x)> = dy - softmax(x) * sum(dy) = dy - exp(logProbs) * sum(dy).
 *
 * Special values (the same on the GPU; see docs/numerics.md):
 * - logSoftmax is the log of softmax under softmax's rules: a NaN in a line gives NaN for the
 *   whole line; +Inf entries get -log(count of +Inf), every other entry -Inf; -Inf entries get
 *   -Inf, and a line of only -Inf gives -Inf everywhere.
 * - logSoftmaxVjp: a NaN or infinity in a line of dy makes the whole dx line NaN; a NaN or +Inf
 *   in logProbs gives NaN at that entry; logProbs = -Inf (probability 0) gives dx = dy there.
 */
import { normalizeAxis, sameShape, splitAtAxis, formatShape } from '../../shape.js';
import { ShapeError } from '../../errors.js';
import { checkData } from '../shared/check-data.js';
import { lineStats } from '../softmax/reference.js';

/**
 * Log-softmax along `axis`, computed stably as (x - max) - log(sum(exp(x - max))).
 *
 * @example
 * cpu.logSoftmax(new Float32Array([0, 0]), [2]); // [-0.693, -0.693]
 */
export function logSoftmax(x: Float32Array, shape: number[], axis = -1): Float32Array {
  const op = 'cpu.logSoftmax';
  checkData(op, 'x', x, shape);
  const { outer, length, inner } = splitAtAxis(shape, normalizeAxis(op, axis, shape.length));
  const out = new Float32Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      const stats = lineStats(x, start, length, inner);
      const logSum = Math.log(stats.sum);
      for (let k = 0; k < length; k++) {
        const at = start + k * inner;
        const v = x[at];
        let y: number;
        if (stats.nan) y = NaN;
        else if (stats.posInf > 0) y = v === Infinity ? -Math.log(stats.posInf) : -Infinity;
        else if (!Number.isFinite(v)) y = -Infinity;
        else y = v - stats.max - logSum;
        out[at] = y;
      }
    }
  }
  return out;
}

/**
 * Vector-Jacobian product of log-softmax: given logProbs = logSoftmax(x) and the gradient dy of
 * a loss with respect to them, the gradient with respect to x: dy - exp(logProbs) * sum(dy),
 * sums along `axis`.
 *
 * @example
 * const lp = cpu.logSoftmax(new Float32Array([0, 0]), [2]);
 * cpu.logSoftmaxVjp(lp, new Float32Array([1, 0]), [2]); // [0.5, -0.5]
 */
export function logSoftmaxVjp(logProbs: Float32Array, dy: Float32Array, shape: number[], axis = -1): Float32Array {
  const op = 'cpu.logSoftmaxVjp';
  checkData(op, 'logProbs', logProbs, shape);
  checkData(op, 'dy', dy, shape);
  const { outer, length, inner } = splitAtAxis(shape, normalizeAxis(op, axis, shape.length));
  const out = new Float32Array(logProbs.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      let sum = 0;
      let finite = true;
      for (let k = 0; k < length; k++) {
        const g = dy[start + k * inner];
        if (!Number.isFinite(g)) finite = false;
        sum += g;
      }
      for (let k = 0; k < length; k++) {
        const at = start + k * inner;
        const lp = logProbs[at];
        if (!finite || Number.isNaN(lp) || lp === Infinity) out[at] = NaN;
        else out[at] = dy[at] - Math.exp(lp) * sum;
      }
    }
  }
  return out;
}

/** Throws unless two arguments have the same shape. */
export function checkSameShape(op: string, a: string, aShape: readonly number[], b: string, bShape: readonly number[]): void {
  if (!sameShape(aShape, bShape)) {
    throw new ShapeError(op, `${b} has shape ${formatShape(bShape)} but ${a} has shape ${formatShape(aShape)}; they must match`);
  }
}
