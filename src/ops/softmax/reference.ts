/**
 * Reference softmax in plain TypeScript with float64 accumulation. Written from the definition,
 * independently of the WGSL kernels, so that the two can check each other.
 *
 * Special values, per reduced line (the same rules as the GPU kernels, see docs/numerics.md):
 * - a NaN anywhere gives NaN for the whole line;
 * - +Infinity entries share the line equally, all other entries get 0 (the limit);
 * - -Infinity entries get 0, and a line of only -Infinity gives all zeros (the masking case).
 */
import { normalizeAxis, splitAtAxis } from '../../shape.js';
import { checkData } from '../shared/check-data.js';

/** Line statistics: max over finite entries, sum of exp(x - max) over them, special counts. */
export interface LineStats {
  max: number;
  sum: number;
  posInf: number;
  nan: boolean;
}

export function lineStats(data: ArrayLike<number>, start: number, length: number, stride: number): LineStats {
  let max = -Infinity;
  let posInf = 0;
  let nan = false;
  for (let k = 0; k < length; k++) {
    const v = data[start + k * stride];
    if (Number.isNaN(v)) nan = true;
    else if (v === Infinity) posInf++;
    else if (v !== -Infinity && v > max) max = v;
  }
  let sum = 0;
  if (max !== -Infinity) {
    for (let k = 0; k < length; k++) {
      const v = data[start + k * stride];
      if (Number.isFinite(v)) sum += Math.exp(v - max);
    }
  }
  return { max, sum, posInf, nan };
}

/** Softmax of one entry given its line's statistics. */
export function softmaxEntry(v: number, stats: LineStats): number {
  if (stats.nan) return NaN;
  if (stats.posInf > 0) return v === Infinity ? 1 / stats.posInf : 0;
  if (!Number.isFinite(v) || stats.sum === 0) return 0;
  return Math.exp(v - stats.max) / stats.sum;
}

/**
 * Softmax along `axis` of a row-major array of the given shape.
 *
 * @example
 * cpu.softmax(new Float32Array([1, 2, 3, 4]), [2, 2]); // [0.269, 0.731, 0.269, 0.731]
 */
export function softmax(data: Float32Array, shape: number[], axis = -1): Float32Array {
  const op = 'cpu.softmax';
  checkData(op, 'data', data, shape);
  const { outer, length, inner } = splitAtAxis(shape, normalizeAxis(op, axis, shape.length));
  const out = new Float32Array(data.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const start = o * length * inner + i;
      const stats = lineStats(data, start, length, inner);
      for (let k = 0; k < length; k++) {
        const at = start + k * inner;
        out[at] = softmaxEntry(data[at], stats);
      }
    }
  }
  return out;
}
