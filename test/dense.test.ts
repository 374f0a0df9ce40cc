import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext, cpu, ArgumentError, ShapeError, type ActivationName as Activation, type Context } from '../src/index';
import { compare, formatComparison, randomArray } from './util/compare';

const ACTIVATIONS: Activation[] = ['linear', 'sigmoid', 'relu', 'tanh', 'softmax', 'leakyRelu', 'elu', 'softplus', 'gelu', 'swish'];

/** erf(v) from its integral, 2/sqrt(pi) times that of exp(-t^2) over [0, v], by Simpson's rule on 2000 intervals (independent of src/). */
function erf64(v: number): number {
  const n = 2000;
  const h = v / n;
  let s = 1 + Math.exp(-v * v);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * Math.exp(-((i * h) ** 2));
  return ((2 / Math.sqrt(Math.PI)) * s * h) / 3;
}

/** gelu from the definition: exact v Phi(v), or the tanh form. */
function gelu64(v: number, approximate: boolean): number {
  if (approximate) return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
  return 0.5 * v * (1 + erf64(v / Math.SQRT2));
}

function expectClose(label: string, actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): void {
  const c = compare(actual, expected, atol, rtol);
  expect(c.mismatches, formatComparison(label, c)).toBe(0);
}

/** The dense forward in float64, from the definition, for finite differences (independent of src/). */
function forward64(x: ArrayLike<number>, w: ArrayLike<number>, b: ArrayLike<number> | null, batch: number, inputs: number, units: number, act: Activation, approximate = false): Float64Array {
  const alpha = 0.2;
  const y = new Float64Array(batch * units);
  for (let r = 0; r < batch; r++) {
    const z: number[] = [];
    for (let j = 0; j < units; j++) {
      let s = b ? b[j] : 0;
      for (let i = 0; i < inputs; i++) s += x[r * inputs + i] * w[i * units + j];
      z.push(s);
    }
    if (act === 'softmax') {
      const m = Math.max(...z);
      const e = z.map((v) => Math.exp(v - m));
      const sum = e.reduce((p, q) => p + q, 0);
      e.forEach((v, j) => (y[r * units + j] = v / sum));
    } else {
      z.forEach((v, j) => {
        y[r * units + j] = act === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : act === 'relu' ? Math.max(v, 0) : act === 'tanh' ? Math.tanh(v) : act === 'leakyRelu' ? (v >= 0 ? v : alpha * v) : act === 'elu' ? (v >= 0 ? v : Math.expm1(v)) : act === 'softplus' ? Math.log1p(Math.exp(v)) : act === 'gelu' ? gelu64(v, approximate) : act === 'swish' ? v / (1 + Math.exp(-v)) : v;
      });
    }
  }
  return y;
}

describe('cpu.dense', () => {
  it('matches hand values for every activation', () => {
    // x [2, 2], w [2, 3], b [3]: z = [[0.5, -1, 2], [1.5, 1, 0]]
    const x = new Float32Array([1, 0, 0, 1]);
    const w = new Float32Array([0.5, -1.5, 2, 1.5, 0, 0]);
    const b = new Float32Array([0, 0.5, 0]);
    const z = [0.5, -1, 2, 1.5, 0.5, 0];
    const sig = (v: number) => 1 / (1 + Math.exp(-v));
    const softmaxRow = (row: number[]) => {
      const e = row.map(Math.exp);
      const s = e.reduce((p, q) => p + q, 0);
      return e.map((v) => v / s);
    };
    const expected: Record<Activation, number[]> = {
      linear: z,
      sigmoid: z.map(sig),
      relu: z.map((v) => Math.max(v, 0)),
      tanh: z.map(Math.tanh),
      softmax: [...softmaxRow(z.slice(0, 3)), ...softmaxRow(z.slice(3))],
      leakyRelu: z.map((v) => (v >= 0 ? v : 0.2 * v)),
      elu: z.map((v) => (v >= 0 ? v : Math.expm1(v))),
      softplus: z.map((v) => Math.log1p(Math.exp(v))),
      gelu: z.map((v) => gelu64(v, false)),
      swish: z.map((v) => v * sig(v)),
    };
    for (const act of ACTIVATIONS) {
      // float64 math rounded once to f32: 1 ulp of the outputs (all below 8 in magnitude).
      expectClose(act, cpu.dense(x, [2, 2], w, [2, 3], b, act), expected[act], 0, 2 ** -23);
    }
    expectClose('no bias', cpu.dense(x, [2, 2], w, [2, 3]), [0.5, -1.5, 2, 1.5, 0, 0], 0, 0);
    expectClose('leakyRelu alpha 0.1', cpu.dense(x, [2, 2], w, [2, 3], b, { activation: 'leakyRelu', alpha: 0.1 }), z.map((v) => (v >= 0 ? v : 0.1 * v)), 0, 2 ** -23);
    expectClose('gelu approximate', cpu.dense(x, [2, 2], w, [2, 3], b, { activation: 'gelu', approximate: true }), z.map((v) => gelu64(v, true)), 0, 2 ** -23);
    expectClose('silu', cpu.dense(x, [2, 2], w, [2, 3], b, 'silu' as Activation), expected.swish, 0, 2 ** -23);
  });

  it('gelu keeps its relative accuracy in the tails, and every activation stays finite at +-1000', () => {
    // Phi(-10) = 7.619853024160527e-24 (erfc(10 / sqrt 2) / 2), so gelu(-10) = -7.619853024160527e-23.
    const y = cpu.dense(new Float32Array([-10]), [1, 1], new Float32Array([1]), [1, 1], null, 'gelu');
    expect(Math.abs(y[0] / -7.619853024160527e-23 - 1)).toBeLessThan(1e-6);
    for (const act of ACTIVATIONS) {
      const edge = cpu.dense(new Float32Array([1000, -1000]), [2, 1], new Float32Array([1]), [1, 1], null, act);
      expect(Array.from(edge).every(Number.isFinite), act).toBe(true);
    }
  });
});

/** Each activation, and gelu's tanh form; gelu and swish give denseBackward the pre-activation z. */
const GRADIENT_CASES: { label: string; act: Activation; approximate?: boolean }[] = [...ACTIVATIONS.map((act) => ({ label: act, act })), { label: 'gelu approximate', act: 'gelu', approximate: true }];

describe('cpu.denseBackward against float64 finite differences', () => {
  const [batch, inputs, units] = [3, 4, 5];
  for (const [k, { label, act, approximate }] of GRADIENT_CASES.entries()) {
    for (const hasBias of [true, false]) {
      it(`${label}, ${hasBias ? 'with' : 'without'} bias`, () => {
        const seed = k * 10 + (hasBias ? 1 : 0);
        const x = randomArray(batch * inputs, seed + 100);
        const w = randomArray(inputs * units, seed + 200);
        const b = hasBias ? randomArray(units, seed + 300) : null;
        const dy = randomArray(batch * units, seed + 400);
        const options = approximate ? { activation: act, approximate } : { activation: act };
        const y = cpu.dense(x, [batch, inputs], w, [inputs, units], b, options);
        const z = act === 'gelu' || act === 'swish' ? { z: cpu.dense(x, [batch, inputs], w, [inputs, units], b) } : {};
        const g = cpu.denseBackward({ x, xShape: [batch, inputs], w, wShape: [inputs, units], y, dy, ...options, ...z, hasBias });
        // L = sum(dy * y), so dL/dparam is what denseBackward returns. Central differences in
        // float64 with h = 1e-6: truncation ~1e-12, rounding ~1e-10.
        const loss = (xv: ArrayLike<number>, wv: ArrayLike<number>, bv: ArrayLike<number> | null) => {
          const yv = forward64(xv, wv, bv, batch, inputs, units, act, approximate);
          let s = 0;
          for (let i = 0; i < yv.length; i++) s += dy[i] * yv[i];
          return s;
        };
        const h = 1e-6;
        const numeric = (values: Float32Array, evaluate: (v: Float64Array) => number) => {
          const v = Float64Array.from(values);
          const out = new Float64Array(v.length);
          for (let i = 0; i < v.length; i++) {
            const keep = v[i];
            v[i] = keep + h;
            const up = evaluate(v);
            v[i] = keep - h;
            const down = evaluate(v);
            v[i] = keep;
            out[i] = (up - down) / (2 * h);
          }
          return out;
        };
        // The analytic gradients use y rounded to f32 (relative error 6e-8) and are rounded to
        // f32 themselves: 1e-6 absolute plus 1e-5 relative covers both with a wide margin.
        expectClose('dx', g.dx, numeric(x, (v) => loss(v, w, b)), 1e-6, 1e-5);
        expectClose('dw', g.dw, numeric(w, (v) => loss(x, v, b)), 1e-6, 1e-5);
        if (hasBias) expectClose('db', g.db!, numeric(b!, (v) => loss(x, w, v)), 1e-6, 1e-5);
        else expect(g.db).toBeNull();
      });
    }
  }
});

describe('dense argument errors', () => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = await createContext({ backend: 'cpu' });
  });
  afterAll(() => ctx.destroy());

  it('names the op, the argument and both shapes', () => {
    const x = ctx.tensor(new Float32Array(6), [2, 3]);
    const w = ctx.tensor(new Float32Array(15), [3, 5]);
    const otherW = ctx.tensor(new Float32Array(8), [4, 2]);
    const shortBias = ctx.tensor(new Float32Array(4), [4]);
    const vector = ctx.tensor(new Float32Array(3), [3]);
    const live = ctx.memory().tensors;
    expect(() => ctx.dense(x, otherW)).toThrow(
      /^dense: inner dimensions do not match: x \[2, 3\] has 3 inputs but w \[4, 2\] has 4 rows$/,
    );
    const call = () => ctx.dense(x, w, shortBias);
    expect(call).toThrow(ShapeError);
    expect(call).toThrow(/^dense: b \[4\] must have shape \[5\]: w \[3, 5\] has 5 units$/);
    expect(() => ctx.dense(x, w, null, 'mish' as never)).toThrow(ArgumentError);
    expect(() => ctx.dense(x, w, null, 'mish' as never)).toThrow(/^dense: activation must be one of 'linear', 'sigmoid', 'relu', 'tanh', 'softmax', 'leakyRelu', 'elu', 'softplus', 'gelu', 'swish', 'silu', got "mish"$/);
    expect(() => ctx.dense(x, w, null, { activation: 'relu', approximate: true })).toThrow(/^dense: options\.approximate is a parameter of the 'gelu' activation, got it with 'relu'$/);
    expect(() => ctx.dense(x, w, null, { activation: 'gelu', approximate: 1 as never })).toThrow(/^dense: options\.approximate must be a boolean, got 1$/);
    expect(() => ctx.dense(vector, w)).toThrow(/dense: x must be 2-D \[batch, inputs\], got shape \[3\]/);
    expect(() => cpu.dense(new Float32Array(6), [2, 3], new Float32Array(15), [3, 5], new Float32Array(2))).toThrow(
      /^cpu\.dense: b \[2\] must have shape \[5\]/,
    );
    expect(ctx.memory().tensors).toBe(live);
  });

  it('checks every argument of denseBackward', () => {
    const x = ctx.tensor(new Float32Array(6), [2, 3]);
    const w = ctx.tensor(new Float32Array(12), [3, 4]);
    const y = ctx.tensor(new Float32Array(8), [2, 4]);
    const narrow = ctx.tensor(new Float32Array(6), [2, 3]);
    const wide = ctx.tensor(new Float32Array(10), [2, 5]);
    const live = ctx.memory().tensors;
    expect(() => ctx.denseBackward({ x, w, y, dy: narrow })).toThrow(
      /^denseBackward: dy \[2, 3\] must have the shape of y \[2, 4\]$/,
    );
    expect(() => ctx.denseBackward({ x, w, y: wide, dy: y })).toThrow(
      /^denseBackward: y \[2, 5\] must have shape \[2, 4\] \(x \[2, 3\] times w \[3, 4\]\)$/,
    );
    expect(() => ctx.denseBackward({ x, w, y, dy: y, activation: 'selu' as never })).toThrow(/denseBackward: activation must be one of/);
    expect(() => ctx.denseBackward({ x, w, y, dy: y, hasBias: 'yes' as never })).toThrow(/denseBackward: hasBias must be a boolean, got "yes"/);
    expect(() => ctx.denseBackward({ x, w, y, dy: y, activation: 'gelu' })).toThrow(ArgumentError);
    expect(() => ctx.denseBackward({ x, w, y, dy: y, activation: 'swish' })).toThrow(/^denseBackward: z \(the pre-activation x w \+ b\) is required with activation 'swish': its slope is not a function of y$/);
    expect(() => ctx.denseBackward({ x, w, y, dy: y, z: y, activation: 'tanh' })).toThrow(/^denseBackward: z is read only with the 'gelu' and 'swish' activations, got it with 'tanh'$/);
    expect(() => ctx.denseBackward({ x, w, y, dy: y, z: wide, activation: 'gelu' })).toThrow(/^denseBackward: z \[2, 5\] must have the shape of y \[2, 4\]$/);
    expect(() => cpu.denseBackward({ x: new Float32Array(6), xShape: [2, 3], w: new Float32Array(12), wShape: [3, 4], y: new Float32Array(8), dy: new Float32Array(8), activation: 'silu' as Activation })).toThrow(/^cpu\.denseBackward: z \(the pre-activation/);
    expect(() => ctx.denseBackward(null as never)).toThrow(/denseBackward: arguments must be an object/);
    expect(() => ctx.denseBackward({ x, w, y } as never)).toThrow(/denseBackward: dy must be a Tensor, got undefined/);
    expect(ctx.memory().tensors).toBe(live);
  });
});

describe('dense ops on the cpu backend', () => {
  let ctx: Context;
  beforeAll(async () => {
    ctx = await createContext({ backend: 'cpu' });
  });
  afterAll(() => ctx.destroy());

  it('return the references, with db null without a bias', async () => {
    const [batch, inputs, units] = [4, 3, 2];
    const x = randomArray(batch * inputs, 1);
    const w = randomArray(inputs * units, 2);
    const b = randomArray(units, 3);
    const dy = randomArray(batch * units, 4);
    const y = ctx.dense(ctx.tensor(x, [batch, inputs]), ctx.tensor(w, [inputs, units]), ctx.tensor(b, [units]), 'tanh');
    const yRef = cpu.dense(x, [batch, inputs], w, [inputs, units], b, 'tanh');
    expectClose('y', await y.read(), yRef, 0, 0);
    const g = ctx.denseBackward({ x: ctx.tensor(x, [batch, inputs]), w: ctx.tensor(w, [inputs, units]), y, dy: ctx.tensor(dy, [batch, units]), activation: 'tanh', hasBias: false });
    const ref = cpu.denseBackward({ x, xShape: [batch, inputs], w, wShape: [inputs, units], y: yRef, dy, activation: 'tanh', hasBias: false });
    expect(g.dx.shape).toEqual([batch, inputs]);
    expect(g.dw.shape).toEqual([inputs, units]);
    expect(g.db).toBeNull();
    expectClose('dx', await g.dx.read(), ref.dx, 0, 0);
    expectClose('dw', await g.dw.read(), ref.dw, 0, 0);
  });
});
