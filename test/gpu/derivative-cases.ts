/**
 * Inputs that can fail, for the GPU tests of the softmax derivatives. Loaded in the test page by
 * `await import('/test/gpu/derivative-cases.ts')` (test bodies are sent as source and cannot
 * import). Everything is seeded, so a failure reproduces.
 */
import { randomArray } from '../util/compare';

export interface Batch {
  data: Float32Array;
  rows: number;
  cols: number;
}

/**
 * Logits of the foundation's edge cases, one per row, then `randomRows` random rows: random,
 * +-1000, all 1000, near -1000, -Inf masks, all -Inf, one and two +Inf, NaN, [1e30, 0 ...],
 * peaked, NaN with -Inf, +-1e4.
 */
export function edgeLogits(cols: number, randomRows: number, seed: number): Batch {
  const rows: number[][] = [];
  const random = (lo: number, hi: number, s: number) => Array.from(randomArray(cols, seed * 131 + s, lo, hi));
  rows.push(random(-5, 5, 1));
  rows.push(random(-1000, 1000, 2));
  rows.push(Array(cols).fill(1000));
  rows.push(random(-1005, -995, 3));
  rows.push(random(-5, 5, 4).map((v, i) => (i % 2 === 1 ? -Infinity : v)));
  rows.push(Array(cols).fill(-Infinity));
  rows.push(random(-5, 5, 5).map((v, i) => (i === 0 ? Infinity : v)));
  rows.push(random(-5, 5, 6).map((v, i) => (i === 0 || i === cols - 1 ? Infinity : i === 1 ? -Infinity : v)));
  rows.push(random(-5, 5, 7).map((v, i) => (i === cols - 1 ? NaN : v)));
  rows.push(Array.from({ length: cols }, (_, i) => (i === 0 ? 1e30 : 0)));
  rows.push(random(-5, 5, 8).map((v, i) => (i === cols >> 1 ? 60 : v)));
  rows.push(random(-5, 5, 9).map((v, i) => (i === 0 ? NaN : i === cols - 1 ? -Infinity : v)));
  rows.push(random(-1e4, 1e4, 10));
  for (let r = 0; r < randomRows; r++) rows.push(random(-6, 6, 100 + r));
  return { data: Float32Array.from(rows.flat()), rows: rows.length, cols };
}

/** Only finite logits (random, +-1000, near -1000, peaked, +-1e4): for reduced losses that must stay finite. */
export function finiteLogits(cols: number, randomRows: number, seed: number): Batch {
  const rows: number[][] = [];
  const random = (lo: number, hi: number, s: number) => Array.from(randomArray(cols, seed * 137 + s, lo, hi));
  rows.push(random(-1000, 1000, 1), random(-1005, -995, 2), random(-1e4, 1e4, 3));
  rows.push(random(-5, 5, 4).map((v, i) => (i === 0 ? 60 : v)));
  for (let r = 0; r < randomRows; r++) rows.push(random(-6, 6, 100 + r));
  return { data: Float32Array.from(rows.flat()), rows: rows.length, cols };
}

/** Upstream gradients: random rows, with one NaN row and one +Inf row appended where there is room. */
export function upstream(rows: number, cols: number, seed: number, specialRows: boolean): Float32Array {
  const dy = randomArray(rows * cols, seed, -1, 1);
  if (specialRows && rows >= 3) {
    dy[(rows - 1) * cols] = NaN;
    dy[(rows - 2) * cols + cols - 1] = Infinity;
  }
  return dy;
}

/**
 * Label rows for cross-entropy: softmax of random values (probabilities), with label 0 on every
 * -Inf logit except in the row chosen to hold an impossible target (a nonzero label on a -Inf
 * logit), and one NaN label in the last row when `nanLabel`.
 */
export function probabilityLabels(logits: Batch, seed: number, nanLabel: boolean): Float32Array {
  const { rows, cols, data } = logits;
  const raw = randomArray(rows * cols, seed, -2, 2);
  const labels = new Float32Array(rows * cols);
  let impossibleDone = false;
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    const keepMasked = !impossibleDone && data.subarray(r * cols, (r + 1) * cols).some((v) => v === -Infinity);
    if (keepMasked) impossibleDone = true;
    for (let j = 0; j < cols; j++) {
      const masked = data[r * cols + j] === -Infinity && !keepMasked;
      const e = masked ? 0 : Math.exp(raw[r * cols + j]);
      labels[r * cols + j] = e;
      sum += e;
    }
    for (let j = 0; j < cols; j++) labels[r * cols + j] = sum > 0 ? labels[r * cols + j] / sum : 0;
  }
  if (nanLabel && rows > 0) labels[(rows - 1) * cols] = NaN;
  return labels;
}

/** Class indices: pseudo-random, on a finite logit where the row has one (else anywhere). */
export function indexLabels(logits: Batch, seed: number): Int32Array {
  const { rows, cols, data } = logits;
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let c = (r * 7 + seed) % cols;
    for (let k = 0; k < cols && data[r * cols + c] === -Infinity; k++) c = (c + 1) % cols;
    out[r] = c;
  }
  // One row deliberately on a -Inf logit where there is one: an infinite loss.
  for (let r = 0; r < rows; r++) {
    const masked = Array.from(data.subarray(r * cols, (r + 1) * cols)).findIndex((v) => v === -Infinity);
    if (masked >= 0 && data.subarray(r * cols, (r + 1) * cols).some((v) => Number.isFinite(v))) {
      out[r] = masked;
      break;
    }
  }
  return out;
}
