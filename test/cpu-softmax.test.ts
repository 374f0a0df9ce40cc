/** The CPU reference softmax against hand-computed values and the documented special-value rules. */
import { describe, expect, it } from 'vitest';
import { cpu, ShapeError, ArgumentError } from '../src/index';

describe('cpu.softmax', () => {
  it('matches hand-computed values', () => {
    // The article's example: softmax([1, 2, 3, 4, 1]) (values worked out by hand to 5 decimals).
    const y = cpu.softmax(new Float32Array([1, 2, 3, 4, 1]), [5]);
    const e = [1, 2, 3, 4, 1].map(Math.exp);
    const s = e.reduce((a, b) => a + b);
    e.forEach((v, i) => expect(y[i]).toBeCloseTo(v / s, 7));
    expect(Array.from(y).map((v) => +v.toFixed(5))).toEqual([0.03106, 0.08444, 0.22952, 0.62391, 0.03106]);
    expect(Array.from(cpu.softmax(new Float32Array([0, Math.log(3)]), [2]))).toEqual([0.25, 0.75]);
  });

  it('follows the numerics rules', () => {
    const I = Infinity;
    const f = (row: number[]) => Array.from(cpu.softmax(new Float32Array(row), [row.length]));
    expect(f([1000, 1000])).toEqual([0.5, 0.5]);
    expect(f([1e30, 0])).toEqual([1, 0]);
    expect(f([-I, 0])).toEqual([0, 1]);
    expect(f([-I, -I, -I])).toEqual([0, 0, 0]);
    expect(f([I, 5, I, -I])).toEqual([0.5, 0, 0.5, 0]);
    expect(f([1, NaN, 2]).every(Number.isNaN)).toBe(true);
    expect(f([I, NaN]).every(Number.isNaN)).toBe(true);
    expect(f([7])).toEqual([1]);
  });

  it('reduces along any axis', () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6]);
    const along0 = cpu.softmax(x, [2, 3], 0);
    const along1 = cpu.softmax(x, [2, 3], -1);
    const t = 1 / (1 + Math.exp(3));
    for (let c = 0; c < 3; c++) {
      expect(along0[c]).toBeCloseTo(t, 7);
      expect(along0[3 + c]).toBeCloseTo(1 - t, 7);
    }
    expect(along1[0] + along1[1] + along1[2]).toBeCloseTo(1, 7);
    expect(Array.from(along1.subarray(0, 3))).toEqual(Array.from(along1.subarray(3)));
  });

  it('rejects bad arguments', () => {
    expect(() => cpu.softmax(new Float32Array(3), [2, 2])).toThrow(ShapeError);
    expect(() => cpu.softmax(new Float32Array(3), [2, 2])).toThrow('cpu.softmax: data has 3 elements but its shape [2, 2] needs 4');
    expect(() => cpu.softmax(new Float32Array(4), [2, 2], 2)).toThrow(ArgumentError);
    expect(() => cpu.softmax([1, 2] as never, [2])).toThrow('cpu.softmax: data must be a Float32Array');
    expect(() => cpu.softmax(new Float32Array(4), [2, -2])).toThrow(ShapeError);
  });
});
