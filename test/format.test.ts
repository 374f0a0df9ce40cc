/** demo/format.ts prints arrays as numpy does (expected strings are numpy's output). */
import { describe, expect, it } from 'vitest';
import { formatArray } from '../demo/format';

const f = (v: number[], shape = [v.length]) => formatArray(new Float32Array(v), shape);

describe('formatArray (numpy style)', () => {
  it('prints 1-D arrays with the fewest round-tripping digits, aligned on the point', () => {
    expect(f([0.5, 0.125])).toBe('[0.5   0.125]');
    expect(f([1, 2])).toBe('[1. 2.]');
    expect(f([-1.5, 2.25])).toBe('[-1.5   2.25]');
    expect(f([0.1])).toBe('[0.1]');
    expect(f([10.5, -0.25, 3])).toBe('[10.5  -0.25  3.  ]');
    // float32(-0.0131887) needs more than 8 digits to round-trip: rounded to 8, zeros trimmed.
    expect(f([-0.0131887, 0.5])).toBe('[-0.0131887  0.5      ]');
  });

  it('prints 2-D arrays row by row', () => {
    expect(f([1, -2, 3, 4], [2, 2])).toBe('[[ 1. -2.]\n [ 3.  4.]]');
  });

  it('switches to scientific notation for small or widely spread values', () => {
    expect(f([1e-5, 1])).toBe('[1.e-05 1.e+00]');
    expect(f([1.5e-5, 1])).toBe('[1.5e-05 1.0e+00]');
    expect(f([1, 5000])).toBe('[1.e+00 5.e+03]');
  });

  it('prints special values', () => {
    expect(f([NaN, 1, -Infinity])).toBe('[ nan   1. -inf]');
  });
});
