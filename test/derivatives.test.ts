/**
 * CPU reference of the softmax derivatives: against float64 finite differences,
 * structural identities of the Jacobian, the article's worked example, hand values, the numerics
 * rules of docs/numerics.md, and argument errors on a cpu-backend context.
 */
import { describe, expect, it } from 'vitest';
import { cpu, createContext, ArgumentError, DTypeError, ShapeError, TensorDestroyedError } from '../src/index';
import { lineStats, softmaxEntry } from '../src/ops/softmax/reference';
import { compare, formatComparison, randomArray } from './util/compare';
import { chunkRange, planChunks } from '../src/ops/shared/chunks';

/** Values as plain numbers with -0 folded into 0 (signs of zero carry no meaning here). */
function plain(a: ArrayLike<number>): number[] {
  return Array.from(a, (v) => v + 0);
}

function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): void {
  const c = compare(actual, expected, atol, rtol);
  expect(c.mismatches, formatComparison(label, c)).toBe(0);
}

/** cpu.softmax of one row without the final float32 rounding: the function finite differences are taken of. */
function softmax64(x: Float64Array): Float64Array {
  const stats = lineStats(x, 0, x.length, 1);
  return Float64Array.from(x, (v) => softmaxEntry(v, stats));
}

function logSoftmax64(x: Float64Array): Float64Array {
  let max = -Infinity;
  for (const v of x) max = Math.max(max, v);
  let sum = 0;
  for (const v of x) sum += Math.exp(v - max);
  return Float64Array.from(x, (v) => v - max - Math.log(sum));
}

/** Central differences of a vector function f at x, step h: column j is d f / d x_j. */
function numericJacobian(f: (x: Float64Array) => Float64Array, x: Float64Array, h: number): Float64Array[] {
  const n = x.length;
  const rows = Array.from({ length: f(x).length }, () => new Float64Array(n));
  for (let j = 0; j < n; j++) {
    const plus = Float64Array.from(x);
    const minus = Float64Array.from(x);
    plus[j] += h;
    minus[j] -= h;
    const fp = f(plus);
    const fm = f(minus);
    for (let i = 0; i < rows.length; i++) rows[i][j] = (fp[i] - fm[i]) / (2 * h);
  }
  return rows;
}

// Central differences in float64 with h = 1e-5: truncation ~h^2 = 1e-10, rounding ~1e-16/h =
// 1e-11. The references round their results to float32 (half an ulp: <= 6e-8 relative), so
// 1e-7 absolute plus 1e-7 relative bounds the comparison with a wide margin and still catches
// any formula error (those are >= 1e-3 here).
const FD_STEP = 1e-5;
const FD_ATOL = 1e-7;
const FD_RTOL = 1e-7;

describe('cpu.softmaxJacobian', () => {
  const shapes: number[][] = [[1], [2], [5], [3, 7], [2, 2, 4]];
  it.each(shapes)('matches float64 finite differences of cpu.softmax, shape %j', (...shape) => {
    const n = shape[shape.length - 1];
    const rows = shape.reduce((a, b) => a * b, 1) / n;
    const x = randomArray(rows * n, 11 + n, -4, 4);
    const J = cpu.softmaxJacobian(x, shape);
    expect(J.length).toBe(rows * n * n);
    for (let r = 0; r < rows; r++) {
      const numeric = numericJacobian(softmax64, Float64Array.from(x.subarray(r * n, (r + 1) * n)), FD_STEP);
      const flat = new Float64Array(n * n);
      numeric.forEach((row, i) => flat.set(row, i * n));
      expectClose(`row ${r}`, J.subarray(r * n * n, (r + 1) * n * n), flat, FD_ATOL, FD_RTOL);
    }
  });

  it('is symmetric, its rows sum to 0, and J^T dy equals softmaxVjp', () => {
    const rows = 6;
    const n = 9;
    const x = randomArray(rows * n, 3, -6, 6);
    const dy = randomArray(rows * n, 4, -2, 2);
    const J = cpu.softmaxJacobian(x, [rows, n]);
    const s = cpu.softmax(x, [rows, n]);
    const vjp = cpu.softmaxVjp(s, dy, [rows, n]);
    const jtdy = new Float64Array(rows * n);
    for (let r = 0; r < rows; r++) {
      const b = r * n * n;
      for (let i = 0; i < n; i++) {
        let rowSum = 0;
        for (let j = 0; j < n; j++) {
          expect(J[b + i * n + j]).toBe(J[b + j * n + i]);
          rowSum += J[b + i * n + j];
          jtdy[r * n + i] += J[b + j * n + i] * dy[r * n + j];
        }
        // Entries are <= 0.25 and rounded to float32: a row of 9 sums to 0 within ~1e-8.
        expect(Math.abs(rowSum)).toBeLessThan(1e-7);
      }
    }
    // J^T dy in float64 from float32 entries: the two differ by the entries' rounding (<= 2e-8 each, 9 terms).
    expectClose('J^T dy vs softmaxVjp', vjp, jtdy, 1e-6, 0);
  });

  it("reproduces the article's worked example for a 5-vector", () => {
    const x = new Float32Array([1, 2, 3, 4, 1]);
    const S = cpu.softmax(x, [5]);
    const J = cpu.softmaxJacobian(x, [5]);
    for (let i = 0; i < 5; i++) {
      // Each entry is one float64 product rounded to float32: a few ulp of 0.25 at most.
      expect(J[i * 5 + i]).toBeCloseTo(S[i] * (1 - S[i]), 7);
      for (let j = 0; j < 5; j++) expect(J[i * 5 + j]).toBeCloseTo((i === j ? S[i] : 0) - S[i] * S[j], 7);
    }
    expect(J[1]).toBeCloseTo(-S[0] * S[1], 7);
    expect(S.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it('from probabilities equals the Jacobian from logits', () => {
    const x = randomArray(4 * 6, 8, -3, 3);
    // Only the float32 rounding of s separates the two (s <= 1: ~6e-8 absolute per factor).
    expectClose('from probs', cpu.softmaxJacobianFromProbs(cpu.softmax(x, [4, 6]), [4, 6]), cpu.softmaxJacobian(x, [4, 6]), 1e-7, 0);
    expect(Array.from(cpu.softmaxJacobianFromProbs(new Float32Array([0.5, 0.5]), [2]))).toEqual([0.25, -0.25, -0.25, 0.25]);
  });

  it('follows softmax for special values', () => {
    const J = cpu.softmaxJacobian(new Float32Array([NaN, 0, -Infinity, -Infinity, Infinity, 0, 0, -Infinity]), [4, 2]);
    expect(Array.from(J.subarray(0, 4)).every(Number.isNaN)).toBe(true);
    expect(plain(J.subarray(4, 8))).toEqual([0, 0, 0, 0]);
    expect(plain(J.subarray(8, 12))).toEqual([0, 0, 0, 0]);
    expect(plain(J.subarray(12, 16))).toEqual([0, 0, 0, 0]);
    // From probabilities: plain IEEE, a NaN spreads along its row and column only.
    const P = cpu.softmaxJacobianFromProbs(new Float32Array([NaN, 0.5, 0.5]), [3]);
    expect(Array.from(P).map(Number.isNaN)).toEqual([true, true, true, true, false, false, true, false, false]);
  });
});

describe('cpu.softmaxVjp', () => {
  it('is the gradient of <dy, softmax(x)> (float64 finite differences), on any axis', () => {
    const shape = [3, 4, 5];
    for (const axis of [0, 1, 2, -1]) {
      const x = randomArray(60, 20 + axis, -3, 3);
      const dy = randomArray(60, 30 + axis, -1, 1);
      const s = cpu.softmax(x, shape, axis);
      const dx = cpu.softmaxVjp(s, dy, shape, axis);
      // Loss L(x) = sum dy * softmax(x) along the axis, evaluated in float64 (s rounded to f32 is
      // the only input rounding: the VJP of the rounded s differs by ~1e-7 relative).
      const f = (v: Float64Array): Float64Array => {
        const p = new Float64Array(60);
        const ax = axis < 0 ? axis + 3 : axis;
        const inner = shape.slice(ax + 1).reduce((a, b) => a * b, 1);
        const len = shape[ax];
        const outer = 60 / (inner * len);
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            const line = Float64Array.from({ length: len }, (_, k) => v[o * len * inner + k * inner + i]);
            const sm = softmax64(line);
            for (let k = 0; k < len; k++) p[o * len * inner + k * inner + i] = sm[k];
          }
        }
        let loss = 0;
        for (let k = 0; k < 60; k++) loss += dy[k] * p[k];
        return new Float64Array([loss]);
      };
      const numeric = numericJacobian(f, Float64Array.from(x), FD_STEP)[0];
      expectClose(`axis ${axis}`, dx, numeric, 1e-6, 1e-6);
    }
  });

  it('makes a line NaN when s or dy holds a non-finite value', () => {
    const s = new Float32Array([0.5, 0.5, 0.5, 0.5, 1, 0]);
    const dy = new Float32Array([1, NaN, 1, 2, 3, Infinity]);
    const dx = cpu.softmaxVjp(s, dy, [3, 2]);
    expect(Number.isNaN(dx[0]) && Number.isNaN(dx[1])).toBe(true);
    expect(Array.from(dx.subarray(2, 4))).toEqual([-0.25, 0.25]);
    expect(Number.isNaN(dx[4]) && Number.isNaN(dx[5])).toBe(true);
  });
});

describe('cpu.logSoftmax and cpu.logSoftmaxVjp', () => {
  it('matches hand values and the log of softmax', () => {
    const lp = cpu.logSoftmax(new Float32Array([0, 0, 1000, 1000, 1e30, 0]), [3, 2]);
    expect(lp[0]).toBeCloseTo(-Math.LN2, 7);
    expect(lp[2]).toBeCloseTo(-Math.LN2, 7);
    expect(Array.from(lp.subarray(4))).toEqual([0, -1e30].map(Math.fround));
    const x = randomArray(40, 5, -8, 8);
    const s = cpu.softmax(x, [5, 8]);
    // Both are float32 roundings of float64 values: log(s) and logSoftmax agree to ~1e-7 relative.
    expectClose('log(softmax)', cpu.logSoftmax(x, [5, 8]), Float32Array.from(s, Math.log), 1e-6, 1e-6);
  });

  it('follows the log of softmax for special values', () => {
    const lp = cpu.logSoftmax(new Float32Array([-Infinity, -Infinity, 0, -Infinity, Infinity, Infinity, Infinity, 0, NaN, 0]), [5, 2]);
    expect(plain(lp.subarray(0, 8))).toEqual([-Infinity, -Infinity, 0, -Infinity, Math.fround(-Math.LN2), Math.fround(-Math.LN2), 0, -Infinity]);
    expect(Number.isNaN(lp[8]) && Number.isNaN(lp[9])).toBe(true);
  });

  it('logSoftmaxVjp is the gradient of <dy, logSoftmax(x)> (float64 finite differences), on any axis', () => {
    const shape = [4, 6];
    for (const axis of [0, 1]) {
      const x = randomArray(24, 40 + axis, -3, 3);
      const dy = randomArray(24, 50 + axis, -1, 1);
      const dx = cpu.logSoftmaxVjp(cpu.logSoftmax(x, shape, axis), dy, shape, axis);
      const f = (v: Float64Array): Float64Array => {
        let loss = 0;
        const [rows, cols] = axis === 1 ? [4, 6] : [6, 4];
        for (let r = 0; r < rows; r++) {
          const at = (k: number) => (axis === 1 ? r * 6 + k : k * 6 + r);
          const line = Float64Array.from({ length: cols }, (_, k) => v[at(k)]);
          const ls = logSoftmax64(line);
          for (let k = 0; k < cols; k++) loss += dy[at(k)] * ls[k];
        }
        return new Float64Array([loss]);
      };
      expectClose(`axis ${axis}`, dx, numericJacobian(f, Float64Array.from(x), FD_STEP)[0], 1e-6, 1e-6);
    }
  });

  it('logSoftmaxVjp: masked entries pass dy through, non-finite dy poisons the line', () => {
    const lp = new Float32Array([-Infinity, 0, Math.log(0.5), Math.log(0.5), NaN, 0]);
    const dy = new Float32Array([2, 1, 1, Infinity, 1, 1]);
    const dx = cpu.logSoftmaxVjp(lp, dy, [3, 2]);
    expect(Array.from(dx.subarray(0, 2))).toEqual([2, -2]);
    expect(Number.isNaN(dx[2]) && Number.isNaN(dx[3])).toBe(true);
    expect(Number.isNaN(dx[4])).toBe(true);
    expect(dx[5]).toBe(-1);
  });
});

describe('cpu.softmaxCrossEntropy', () => {
  const B = 5;
  const N = 7;
  const x = randomArray(B * N, 60, -4, 4);
  const labels = cpu.softmax(randomArray(B * N, 61, -2, 2), [B, N]);
  const indices = new Int32Array([0, 6, 3, 3, 1]);

  it('equals -sum(labels * logSoftmax(x)) with float or index labels, for every reduction', () => {
    const lp = cpu.logSoftmax(x, [B, N]);
    const perRow = new Float64Array(B);
    const perRowIndex = new Float64Array(B);
    for (let r = 0; r < B; r++) {
      for (let j = 0; j < N; j++) perRow[r] -= labels[r * N + j] * lp[r * N + j];
      perRowIndex[r] = -lp[r * N + indices[r]];
    }
    const total = perRow.reduce((a, b) => a + b, 0);
    // lp is rounded to float32 (~1e-7 relative): 1e-6 relative covers it.
    expectClose('none', cpu.softmaxCrossEntropy(x, labels, [B, N], { reduction: 'none' }).loss, perRow, 0, 1e-6);
    expectClose('sum', cpu.softmaxCrossEntropy(x, labels, [B, N], { reduction: 'sum' }).loss, [total], 0, 1e-6);
    expectClose('mean', cpu.softmaxCrossEntropy(x, labels, [B, N]).loss, [total / B], 0, 1e-6);
    expectClose('index', cpu.softmaxCrossEntropy(x, indices, [B, N], { reduction: 'none' }).loss, perRowIndex, 0, 1e-6);
  });

  it('grad matches float64 finite differences of the loss (probability and index labels, mean reduction)', () => {
    for (const lab of [labels, indices]) {
      const { grad } = cpu.softmaxCrossEntropy(x, lab, [B, N]);
      // Labels as probabilities in float64, normalized: their float32 rows sum to 1 within 1e-7,
      // and grad = softmax - labels is exactly the gradient when they sum to 1.
      const l64 = new Float64Array(B * N);
      for (let r = 0; r < B; r++) {
        let sum = 0;
        for (let j = 0; j < N; j++) sum += lab instanceof Int32Array ? (j === lab[r] ? 1 : 0) : lab[r * N + j];
        for (let j = 0; j < N; j++) l64[r * N + j] = (lab instanceof Int32Array ? (j === lab[r] ? 1 : 0) : lab[r * N + j]) / sum;
      }
      const f = (v: Float64Array): Float64Array => {
        let loss = 0;
        for (let r = 0; r < B; r++) {
          const ls = logSoftmax64(v.subarray(r * N, (r + 1) * N));
          for (let j = 0; j < N; j++) loss -= l64[r * N + j] * ls[j];
        }
        return new Float64Array([loss / B]);
      };
      expectClose(lab instanceof Int32Array ? 'index labels' : 'probability labels', grad, numericJacobian(f, Float64Array.from(x), FD_STEP)[0], 1e-6, 0);
    }
  });

  it('is exact for logits of +-1e4 (no cancellation)', () => {
    const big = new Float32Array([1e4, 1e4 - 1, -1e4, 1e4 - 2]);
    const { loss } = cpu.softmaxCrossEntropy(big, new Int32Array([1]), [1, 4]);
    const expected = 1 + Math.log(1 + Math.exp(-1) + Math.exp(-2));
    expect(loss[0]).toBeCloseTo(expected, 6);
  });

  it('follows the numerics rules: masks, impossible targets, +Inf, NaN', () => {
    const logits = new Float32Array([
      0, -Infinity, 0, // mask with label 0: fine
      0, -Infinity, 0, // label on a masked entry: infinite loss
      Infinity, Infinity, 0, // two +Inf share the row
      NaN, 0, 0, // NaN poisons the row
      0, 0, 0, // non-finite label: NaN loss, gradient elementwise
    ]);
    const lab = new Float32Array([0.5, 0, 0.5, 0.5, 0.5, 0, 1, 0, 0, 1, 0, 0, Infinity, 0, 0]);
    const { loss, grad } = cpu.softmaxCrossEntropy(logits, lab, [5, 3], { reduction: 'none' });
    expect(loss[0]).toBeCloseTo(Math.LN2, 7);
    expect(plain(grad.subarray(0, 3))).toEqual([0, 0, 0]);
    expect(loss[1]).toBe(Infinity);
    expect(plain(grad.subarray(3, 6))).toEqual([0, -0.5, 0.5]);
    expect(loss[2]).toBeCloseTo(Math.LN2, 7);
    expect(plain(grad.subarray(6, 9))).toEqual([-0.5, 0.5, 0]);
    expect(Number.isNaN(loss[3])).toBe(true);
    expect(Array.from(grad.subarray(9, 12)).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN(loss[4])).toBe(true);
    expect(grad[12]).toBe(-Infinity);
    const index = cpu.softmaxCrossEntropy(new Float32Array([-Infinity, 0]), new Int32Array([0]), [1, 2], { reduction: 'sum' });
    expect(index.loss[0]).toBe(Infinity);
    expect(Number.isNaN(cpu.softmaxCrossEntropy(new Float32Array(0), new Int32Array(0), [0, 3]).loss[0])).toBe(true);
  });
});

describe('derivative ops on a cpu-backend context', () => {
  it('return the CPU reference with the right shapes', async () => {
    const ctx = await createContext({ backend: 'cpu' });
    const x = randomArray(12, 70, -2, 2);
    const xt = ctx.tensor(x, [3, 4]);
    const J = ctx.softmaxJacobian(xt);
    expect(J.shape).toEqual([3, 4, 4]);
    expect(await J.read()).toEqual(cpu.softmaxJacobian(x, [3, 4]));
    const s = ctx.softmax(xt);
    expect(await ctx.softmaxJacobianFromProbs(s).read()).toEqual(cpu.softmaxJacobianFromProbs(await s.read() as Float32Array, [3, 4]));
    const dy = ctx.tensor(randomArray(12, 71), [3, 4]);
    expect(await ctx.softmaxVjp(s, dy, 0).read()).toEqual(cpu.softmaxVjp(await s.read() as Float32Array, await dy.read() as Float32Array, [3, 4], 0));
    expect(await ctx.logSoftmax(xt, 0).read()).toEqual(cpu.logSoftmax(x, [3, 4], 0));
    const { loss, grad } = ctx.softmaxCrossEntropy(xt, ctx.tensor(new Int32Array([0, 1, 3])));
    expect(loss.shape).toEqual([]);
    expect(grad.shape).toEqual([3, 4]);
    const none = ctx.softmaxCrossEntropy(ctx.tensor(randomArray(24, 3), [2, 3, 4]), ctx.tensor(new Int32Array([0, 1, 3, 2, 2, 2]), [2, 3]), { reduction: 'none' });
    expect(none.loss.shape).toEqual([2, 3]);
    ctx.destroy();
  });

  it('refuse bad arguments with typed errors that name the op and the argument', async () => {
    const ctx = await createContext({ backend: 'cpu' });
    const x = ctx.tensor(new Float32Array(6), [2, 3]);
    const other = ctx.tensor(new Float32Array(6), [3, 2]);
    const idx = ctx.tensor(new Int32Array([0, 1]));
    expect(() => ctx.softmaxJacobian(x, 0)).toThrow(ArgumentError);
    expect(() => ctx.softmaxJacobian(x, 0)).toThrow(/softmaxJacobian: axis 0: only the last axis/);
    expect(() => ctx.softmaxJacobian(x, 1)).not.toThrow();
    expect(() => ctx.softmaxJacobianFromProbs(x, 5)).toThrow(/softmaxJacobianFromProbs: axis 5 is out of range/);
    expect(() => ctx.softmaxJacobian(ctx.tensor(new Float32Array(1), []))).toThrow(ShapeError);
    expect(() => ctx.softmaxJacobian(idx)).toThrow(DTypeError);
    expect(() => ctx.softmaxVjp(x, other)).toThrow(/softmaxVjp: dy has shape \[3, 2\] but s has shape \[2, 3\]/);
    expect(() => ctx.logSoftmaxVjp(x, other)).toThrow(ShapeError);
    expect(() => ctx.logSoftmax(x, 2)).toThrow(/logSoftmax: axis 2 is out of range/);
    expect(() => ctx.softmaxCrossEntropy(x, idx, { reduction: 'avg' as never })).toThrow(/options.reduction must be/);
    expect(() => ctx.softmaxCrossEntropy(x, idx, { axis: 0 })).toThrow(/options.axis 0: only the last axis/);
    expect(() => ctx.softmaxCrossEntropy(x, ctx.tensor(new Int32Array([0, 3])))).toThrow(/softmaxCrossEntropy: labels\[1\] = 3 is out of range for 3 classes/);
    expect(() => ctx.softmaxCrossEntropy(x, ctx.tensor(new Int32Array([0, -1])))).toThrow(ArgumentError);
    expect(() => ctx.softmaxCrossEntropy(x, ctx.tensor(new Int32Array([0, 1, 2])))).toThrow(/labels \(int32 class indices\) must have shape \[2\]/);
    expect(() => ctx.softmaxCrossEntropy(x, other)).toThrow(/labels \(float32\) must have the logits' shape \[2, 3\]/);
    expect(() => ctx.softmaxCrossEntropy(x, idx, 'mean' as never)).toThrow(/options must be an object/);
    other.destroy();
    expect(() => ctx.softmaxVjp(x, other)).toThrow(TensorDestroyedError);
    expect(() => cpu.softmaxVjp(new Float32Array(6), new Float32Array(5), [2, 3])).toThrow(/cpu.softmaxVjp: dy has 5 elements/);
    expect(() => cpu.softmaxCrossEntropy(new Float32Array(6), new Int32Array([0, 7]), [2, 3])).toThrow(ArgumentError);
    ctx.destroy();
  });
});

describe('chunk planning over the binding limit', () => {
  const MiB = 2 ** 20;
  it('binds everything at once when it fits', () => {
    expect(planChunks(1024, 256 * 256 * 4, 1024 * MiB, 256)).toEqual([{ first: 0, count: 1024 }]);
  });

  it('splits into aligned ranges that fit a binding, leaving room for the input alignment', () => {
    const check = (items: number, itemBytes: number, maxBinding: number) => {
      const chunks = planChunks(items, itemBytes, maxBinding, 256)!;
      let next = 0;
      for (const c of chunks) {
        expect(c.first).toBe(next);
        expect((c.first * itemBytes) % 256).toBe(0);
        expect(c.count * itemBytes).toBeLessThanOrEqual(maxBinding - 256);
        next += c.count;
      }
      expect(next).toBe(items);
      return chunks;
    };
    expect(check(40, 1000 * 1000 * 4, 128 * MiB).map((c) => c.first)).toEqual([0, 33]);
    // Odd N: a block is 4 (mod 256) bytes, so chunks step by 64 blocks.
    expect(check(2020, 129 * 129 * 4, 128 * MiB)).toEqual([{ first: 0, count: 1984 }, { first: 1984, count: 36 }]);
    check(40 * 1000, 1000 * 4, 128 * MiB);
    check(5800, 5800 * 4, 128 * MiB);
    check(100000, 6 * 4, 1 * MiB);
  });

  it('keeps every buffer aligned when items take different sizes in different buffers', () => {
    // Cross-entropy rows: 4100 logits (16400 bytes: 16 rows per aligned step) and one 4-byte
    // class index or row loss (64 rows per aligned step).
    const sizes = [4100 * 4, 4, 4100 * 4, 4];
    const chunks = planChunks(33000, sizes, 128 * MiB, 256)!;
    let next = 0;
    for (const c of chunks) {
      expect(c.first).toBe(next);
      for (const bytes of sizes) expect((c.first * bytes) % 256).toBe(0);
      expect(c.count * 4100 * 4).toBeLessThanOrEqual(128 * MiB - 256);
      next += c.count;
    }
    expect(next).toBe(33000);
    // 8183 rows fit a binding; the largest multiple of 64 below is 8128.
    expect(chunks.map((c) => c.first)).toEqual([0, 8128, 16256, 24384, 32512]);
    expect(planChunks(100, sizes, 128 * MiB, 256)).toEqual([{ first: 0, count: 100 }]);
  });

  it('returns null when one aligned step of items exceeds a binding', () => {
    expect(planChunks(1, 5800 * 5800 * 4, 128 * MiB, 256)).toBeNull();
    expect(planChunks(70, 1023 * 1023 * 4, 128 * MiB, 256)).toBeNull();
  });

  it("counts a range's items from the start of the binding it splits (a tensor at an offset of its buffer)", () => {
    const block = 1000 * 1000 * 4;
    const buffer = { size: 200 * MiB } as GPUBuffer;
    const tensor = { buffer, offset: 512, size: 40 * block };
    const [first, second] = planChunks(40, block, 128 * MiB, 256)!;
    expect(chunkRange(tensor, first, block, false)).toEqual({ buffer, offset: 512, size: 33 * block });
    expect(chunkRange(tensor, second, block, false)).toEqual({ buffer, offset: 512 + 33 * block, size: 7 * block });
    expect(chunkRange(tensor, { first: 0, count: 40 }, block, true)).toBe(tensor);
    expect(chunkRange(buffer, second, block, false)).toEqual({ buffer, offset: 33 * block, size: 7 * block });
  });
});
