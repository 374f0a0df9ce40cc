/**
 * Reference softmax vector-Jacobian product in plain TypeScript, float64 accumulation, written
 * from the definition: with J = diag(s) - s s^T, J^T dy = s * (dy - <dy, s>) along the axis.
 * J is symmetric, so this is also the Jacobian-vector product J v.
 *
 * Special values (the same on the GPU; see docs/numerics.md): a NaN or infinity anywhere in
 * a line of s or dy makes the whole dx line NaN.
 */
import { normalizeAxis, splitAtAxis } from '../../shape.js';
import { checkData } from '../shared/check-data.js';

/**
 * dx = s * (dy - sum(dy * s)) along `axis`, for s = softmax(x): the gradient of a loss with
 * respect to the logits x, given its gradient dy with respect to the probabilities s.
 *
 * @example
 * cpu.softmaxVjp(new Float32Array([0.5, 0.5]), new Float32Array([1, 0]), [2]); // [0.25, -0.25]
 */
export function softmaxVjp(s: Float32Array, dy: Float32Array, shape: number[], axis = -1): Float32Array {
  const op = 'cpu.softmaxVjp';
  checkData(op, 's', s, shape);
  checkData(op, 'dy', dy, shape);
  const { outer, length, inner } = splitAtAxis(shape, normalizeAxis(op, axis, shape.length));
  const out = new Float32Array(s.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) softmaxVjpLine(s, dy, out, o * length * inner + i, length, inner);
  }
  return out;
}

/**
 * One line of the softmax VJP: out = s * (dy - <dy, s>) over the `length` entries at start,
 * start + stride, ... (NaN everywhere when an entry of s or dy is not finite). Shared with
 * cpu.denseBackward and the training loop's softmax activation, so that every softmax gradient
 * follows the same rules.
 */
export function softmaxVjpLine(
  s: ArrayLike<number>,
  dy: ArrayLike<number>,
  out: { [i: number]: number },
  start: number,
  length: number,
  stride = 1,
): void {
  let dot = 0;
  let finite = true;
  for (let k = 0; k < length; k++) {
    const at = start + k * stride;
    if (!Number.isFinite(s[at]) || !Number.isFinite(dy[at])) finite = false;
    dot += s[at] * dy[at];
  }
  for (let k = 0; k < length; k++) {
    const at = start + k * stride;
    out[at] = finite ? s[at] * (dy[at] - dot) : NaN;
  }
}
