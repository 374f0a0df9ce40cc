import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, cpu, ArgumentError, DTypeError, ShapeError, type Context } from '../src/index';
import { compare, formatComparison, randomArray } from './util/compare';

/** Host transpose of a row-major [rows, cols] matrix: test-side only, to build expected values. */
function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = data[i * cols + j];
  return out;
}

function expectSame(label: string, actual: Float32Array, expected: ArrayLike<number>): void {
  // The references accumulate in float64 and round once, so equal math gives equal floats.
  const c = compare(actual, expected, 0, 0);
  expect(c.mismatches, formatComparison(label, c)).toBe(0);
}

describe('cpu.matmul', () => {
  it('multiplies by hand values', () => {
    const a = new Float32Array([1, 2, 3, 4, 5, 6]);
    const b = new Float32Array([7, 8, 9, 10, 11, 12]);
    expectSame('[2,3]x[3,2]', cpu.matmul(a, [2, 3], b, [3, 2]), [58, 64, 139, 154]);
    expectSame('[3,2]x[2,3]', cpu.matmul(a, [3, 2], b, [2, 3]), [27, 30, 33, 61, 68, 75, 95, 106, 117]);
    expectSame('1x1', cpu.matmul(new Float32Array([3]), [1, 1], new Float32Array([-2]), [1, 1]), [-6]);
  });

  it('reads transposes in place of the stored operands', () => {
    const [m, k, n] = [5, 7, 3];
    const a = randomArray(m * k, 1);
    const b = randomArray(k * n, 2);
    const plain = cpu.matmul(a, [m, k], b, [k, n]);
    expectSame('transposeA', cpu.matmul(transpose(a, m, k), [k, m], b, [k, n], { transposeA: true }), plain);
    expectSame('transposeB', cpu.matmul(a, [m, k], transpose(b, k, n), [n, k], { transposeB: true }), plain);
    expectSame('both', cpu.matmul(transpose(a, m, k), [k, m], transpose(b, k, n), [n, k], { transposeA: true, transposeB: true }), plain);
  });

  it('batches, with a shared 2-D operand on either side', () => {
    const [batch, m, k, n] = [3, 4, 5, 2];
    const a = randomArray(batch * m * k, 3);
    const b = randomArray(batch * k * n, 4);
    const b2 = randomArray(k * n, 5);
    const a2 = randomArray(m * k, 6);
    const batched = cpu.matmul(a, [batch, m, k], b, [batch, k, n]);
    const sharedB = cpu.matmul(a, [batch, m, k], b2, [k, n]);
    const sharedA = cpu.matmul(a2, [m, k], b, [batch, k, n]);
    for (let t = 0; t < batch; t++) {
      const at = a.subarray(t * m * k, (t + 1) * m * k);
      const bt = b.subarray(t * k * n, (t + 1) * k * n);
      const slice = (x: Float32Array) => x.subarray(t * m * n, (t + 1) * m * n);
      expectSame(`batched ${t}`, slice(batched), cpu.matmul(at, [m, k], bt, [k, n]));
      expectSame(`shared b ${t}`, slice(sharedB), cpu.matmul(at, [m, k], b2, [k, n]));
      expectSame(`shared a ${t}`, slice(sharedA), cpu.matmul(a2, [m, k], bt, [k, n]));
    }
  });

  it('handles empty dimensions: K = 0 gives zeros, M = 0 nothing', () => {
    expectSame('K=0', cpu.matmul(new Float32Array(0), [2, 0], new Float32Array(0), [0, 3]), [0, 0, 0, 0, 0, 0]);
    expect(cpu.matmul(new Float32Array(0), [0, 4], randomArray(8, 1), [4, 2]).length).toBe(0);
  });

  it('rejects inner dimensions that do not match, naming the op, both arguments and shapes', () => {
    const call = () => cpu.matmul(new Float32Array(6), [2, 3], new Float32Array(20), [4, 5]);
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(/^cpu\.matmul: inner dimensions do not match: a \[2, 3\] has 3 columns but b \[4, 5\] has 4 rows$/);
    expect(() => cpu.matmul(new Float32Array(6), [2, 3], new Float32Array(6), [3, 2], { transposeB: true })).toThrow(
      /a \[2, 3\] has 3 columns but b \[3, 2\] read transposed has 2 rows/,
    );
  });

  it('rejects bad ranks, batches, data and options', () => {
    expect(() => cpu.matmul(new Float32Array(3), [3], new Float32Array(3), [3, 1])).toThrow(/a must be 2-D .* got shape \[3\]/);
    expect(() => cpu.matmul(new Float32Array(4), [2, 2], new Float32Array(16), [2, 2, 2, 2])).toThrow(/b must be 2-D/);
    expect(() => cpu.matmul(new Float32Array(8), [2, 2, 2], new Float32Array(12), [3, 2, 2])).toThrow(
      /batch sizes do not match: a \[2, 2, 2\] has 2 but b \[3, 2, 2\] has 3/,
    );
    expect(() => cpu.matmul(new Float32Array(5), [2, 2], new Float32Array(4), [2, 2])).toThrow(/a has 5 elements but its shape \[2, 2\] needs 4/);
    expect(() => cpu.matmul(new Float32Array(4), [2, 2], new Float32Array(4), [2, 2], { transposeA: 1 } as never)).toThrow(ArgumentError);
    expect(() => cpu.matmul(new Float32Array(4), [2, 2], new Float32Array(4), [2, 2], { transpose: true } as never)).toThrow(
      "cpu.matmul: unknown option 'transpose' (did you mean 'transposeA'?)",
    );
  });
});

describe('ctx.matmul on the cpu backend', () => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = await createContext({ backend: 'cpu' });
  });
  afterAll(() => ctx.destroy());

  it('returns the reference values and the output shape', async () => {
    const a = randomArray(2 * 4 * 3, 7);
    const b = randomArray(3 * 5, 8);
    const c = ctx.matmul(ctx.tensor(a, [2, 4, 3]), ctx.tensor(b, [3, 5]));
    expect(c.shape).toEqual([2, 4, 5]);
    expectSame('ctx', (await c.read()) as Float32Array, cpu.matmul(a, [2, 4, 3], b, [3, 5]));
    const t = ctx.matmul(ctx.tensor(a, [2, 3, 4]), ctx.tensor(b, [3, 5]), { transposeA: true });
    expect(t.shape).toEqual([2, 4, 5]);
  });

  it('rejects bad arguments with typed errors before computing anything', () => {
    const before = ctx.memory();
    const a = ctx.tensor(new Float32Array(6), [2, 3]);
    const b = ctx.tensor(new Float32Array(20), [4, 5]);
    const live = ctx.memory().tensors;
    expect(() => ctx.matmul(a, b)).toThrow(/^matmul: inner dimensions do not match: a \[2, 3\] has 3 columns but b \[4, 5\] has 4 rows$/);
    expect(() => ctx.matmul(a, 'b' as never)).toThrow(/matmul: b must be a Tensor/);
    expect(() => ctx.matmul(a, ctx.tensor(new Int32Array(3), [3, 1]))).toThrow(DTypeError);
    expect(() => ctx.matmul(a, a, null as never)).toThrow(/matmul: options must be an object/);
    expect(ctx.memory().tensors).toBe(live + 1);
    a.destroy();
    b.destroy();
    expect(() => ctx.matmul(a, b)).toThrow(/matmul: a was destroyed/);
    expect(ctx.memory().tensors).toBe(before.tensors + 1);
  });
});
