/**
 * The training API's host-side parts, without a model: the summary table, initializers, the
 * seeded generator, loss and metric definitions (against float64 finite differences and hand
 * values), the optimizer update rules (against Keras's formulas written out by hand).
 */
import { describe, expect, it } from 'vitest';
import { Activation, Adagrad, Adam, AdamW, ArgumentError, Dense, RMSprop, SGD, Sequential } from '../src/index';
import { formatSummary } from '../src/nn/summary';
import { initialize } from '../src/nn/initializers';
import { Random } from '../src/nn/random';
import { EPSILON, LossCode, MetricCode, ONE_MINUS_EPSILON, accuracyKind, lossRow, metricRow } from '../src/nn/losses';
import { applyUpdate, initialSlotValue, parseOptimizer, stepParams, type Optimizer } from '../src/nn/optimizers';
import { activationBackward, applyActivation, type ActivationName } from '../src/nn/activations';

const XOR_SUMMARY = [
  '_________________________________________________________________',
  'Layer (type)                 Output Shape              Param #   ',
  '=================================================================',
  'dense_1 (Dense)              (None, 2)                 6         ',
  '_________________________________________________________________',
  'activation_1 (Activation)    (None, 2)                 0         ',
  '_________________________________________________________________',
  'dense_2 (Dense)              (None, 1)                 3         ',
  '_________________________________________________________________',
  'activation_2 (Activation)    (None, 1)                 0         ',
  '=================================================================',
  'Total params: 9',
  'Trainable params: 9',
  'Non-trainable params: 0',
  '_________________________________________________________________',
].join('\n');

function xorModel(): Sequential {
  const model = new Sequential();
  model.add(new Dense({ units: 2, inputShape: [2] }));
  model.add(new Activation('sigmoid'));
  model.add(new Dense({ units: 1 }));
  model.add(new Activation('sigmoid'));
  return model;
}

describe('summary', () => {
  it("prints the article's XOR table exactly (Keras's format)", () => {
    expect(xorModel().summary()).toBe(XOR_SUMMARY);
  });

  it('counts layer names per model and cuts long fields to their column', () => {
    const a = xorModel();
    const b = new Sequential([new Dense({ units: 784, inputShape: [784] }), new Dense({ units: 10, name: 'a_very_long_layer_name_indeed' })]);
    expect(a.layers.map((l) => l.name)).toEqual(['dense_1', 'activation_1', 'dense_2', 'activation_2']);
    expect(b.layers.map((l) => l.name)).toEqual(['dense_1', 'a_very_long_layer_name_indeed']);
    const text = b.summary();
    expect(text).toContain('dense_1 (Dense)              (None, 784)               615440    ');
    expect(text).toContain('a_very_long_layer_name_indee (None, 10)                7850      ');
    expect(text).toContain('Total params: 623,290');
  });

  it('prints when asked', () => {
    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      xorModel().summary({ print: true });
    } finally {
      console.log = log;
    }
    expect(lines).toEqual([XOR_SUMMARY]);
  });

  it('formats an empty table', () => {
    expect(formatSummary([], 0, 0)).toContain('Total params: 0');
  });
});

describe('initializers and the seeded generator', () => {
  it('reproduces the same numbers from the same seed, different ones from another', () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const xs = Array.from({ length: 5 }, () => a.nextU32());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(xs);
    const perm = new Uint32Array([0, 1, 2, 3, 4, 5, 6, 7]);
    new Random(1).shuffle(perm);
    expect([...perm].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...perm]).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('draws uniform floats in [0, 1) with the right mean, and standard normals', () => {
    const r = new Random(3);
    let sum = 0;
    let min = 1;
    let max = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const v = r.nextFloat();
      sum += v;
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    // Mean of n uniforms: standard error 0.29 / sqrt(n) ~ 0.0009; 5 standard errors.
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const v = r.nextNormal();
      s1 += v;
      s2 += v * v;
    }
    expect(Math.abs(s1 / n)).toBeLessThan(0.02);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.03);
  });

  it("follows Keras's definitions", () => {
    const r = new Random(11);
    const glorot = initialize('glorotUniform', 20_000, 100, 50, r);
    const limit = Math.sqrt(6 / 150);
    expect(Math.max(...glorot)).toBeLessThanOrEqual(limit);
    expect(Math.min(...glorot)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...glorot)).toBeGreaterThan(0.99 * limit);
    const he = initialize('heNormal', 20_000, 50, 10, r);
    const std = Math.sqrt(2 / 50);
    // Truncated at two standard deviations of the untruncated normal (std / 0.8796).
    expect(Math.max(...he.map(Math.abs))).toBeLessThanOrEqual((2 * std) / 0.87962566103423978 + 1e-7);
    const variance = he.reduce((a, v) => a + v * v, 0) / he.length;
    expect(Math.abs(Math.sqrt(variance) / std - 1)).toBeLessThan(0.03);
    const normal = initialize('randomNormal', 20_000, 1, 1, r);
    expect(Math.abs(Math.sqrt(normal.reduce((a, v) => a + v * v, 0) / normal.length) - 0.05)).toBeLessThan(0.002);
    expect(Array.from(initialize('zeros', 3, 1, 1, r))).toEqual([0, 0, 0]);
    expect(Array.from(initialize('ones', 3, 1, 1, r))).toEqual([1, 1, 1]);
  });
});

/** Central finite difference of f at x[i], float64. */
function finiteDifference(f: (x: Float64Array) => number, x: Float64Array, i: number, h = 1e-6): number {
  const a = x.slice();
  const b = x.slice();
  a[i] += h;
  b[i] -= h;
  return (f(a) - f(b)) / (2 * h);
}

describe('losses', () => {
  const out = new Float64Array([0.2, 0.7, 0.1]);
  const target = new Float64Array([0, 1, 0]);

  it.each([
    ['mse', LossCode.MeanSquaredError, (o: number[], t: number[]) => o.reduce((a, v, j) => a + (v - t[j]) ** 2, 0) / o.length],
    ['binary cross-entropy', LossCode.BinaryCrossentropy, (o: number[], t: number[]) => o.reduce((a, v, j) => a - (t[j] * Math.log(v) + (1 - t[j]) * Math.log(1 - v)), 0) / o.length],
    ['categorical cross-entropy (probabilities)', LossCode.CategoricalCrossentropy, (o: number[], t: number[]) => { const s = o.reduce((a, v) => a + v, 0); return -o.reduce((a, v, j) => a + t[j] * Math.log(v / s), 0); }],
    ['mae', LossCode.MeanAbsoluteError, (o: number[], t: number[]) => o.reduce((a, v, j) => a + Math.abs(v - t[j]), 0) / o.length],
    ['huber (quadratic part)', LossCode.Huber, (o: number[], t: number[]) => o.reduce((a, v, j) => a + 0.5 * (v - t[j]) ** 2, 0) / o.length],
    ['sigmoid cross-entropy (logits)', LossCode.SigmoidCrossentropy, (o: number[], t: number[]) => o.reduce((a, z, j) => { const p = 1 / (1 + Math.exp(-z)); return a - (t[j] * Math.log(p) + (1 - t[j]) * Math.log(1 - p)); }, 0) / o.length],
    ['softmax cross-entropy (logits)', LossCode.SoftmaxCrossentropy, (o: number[], t: number[]) => { const m = Math.max(...o); const lse = m + Math.log(o.reduce((a, v) => a + Math.exp(v - m), 0)); return -o.reduce((a, v, j) => a + t[j] * (v - lse), 0); }],
  ] as const)('%s: value and gradient (float64 finite differences)', (_name, code, definition) => {
    const grad = new Float32Array(3);
    const loss = lossRow(code, out, 0, 3, target, 0, -1, grad);
    expect(loss).toBeCloseTo(definition([...out], [...target]), 12);
    const f = (x: Float64Array) => lossRow(code, x, 0, 3, target, 0, -1, new Float32Array(3));
    // Gradients are stored as float32: 1e-6 relative, and finite differences with h = 1e-6 are good to ~1e-8.
    for (let i = 0; i < 3; i++) expect(Math.abs(grad[i] - finiteDifference(f, out, i))).toBeLessThan(1e-6 * Math.max(1, Math.abs(grad[i])));
    // Class-index targets give the same as one-hot rows.
    const byIndex = new Float32Array(3);
    expect(lossRow(code, out, 0, 3, null, 0, 1, byIndex)).toBe(loss);
    expect(Array.from(byIndex)).toEqual(Array.from(grad));
  });

  it('huber is linear past delta 1; the losses from logits stay finite for large logits', () => {
    const grad = new Float32Array(2);
    expect(lossRow(LossCode.Huber, [3, -2.5], 0, 2, [0, 0], 0, -1, grad)).toBeCloseTo(((3 - 0.5) + (2.5 - 0.5)) / 2, 12);
    expect(Array.from(grad)).toEqual([0.5, -0.5]);
    expect(lossRow(LossCode.SigmoidCrossentropy, [1000, -1000], 0, 2, [0, 1], 0, -1, grad)).toBeCloseTo(1000, 9);
    expect(Array.from(grad)).toEqual([0.5, -0.5]);
  });

  it("clips probabilities as Keras does (1e-7), with no gradient where the clip is active", () => {
    const grad = new Float32Array(2);
    const loss = lossRow(LossCode.BinaryCrossentropy, [0, 1], 0, 2, [1, 0], 0, -1, grad);
    expect(loss).toBeCloseTo(-Math.log(EPSILON) / 2 - Math.log(1 - ONE_MINUS_EPSILON) / 2, 6);
    expect(Array.from(grad)).toEqual([0, 0]);
    expect(Number.isFinite(lossRow(LossCode.CategoricalCrossentropy, [0, 1], 0, 2, [1, 0], 0, -1, grad))).toBe(true);
  });

  it("picks the accuracy by Keras's rule and computes each metric per row", () => {
    expect(accuracyKind('meanSquaredError', 1, false)).toBe(MetricCode.BinaryAccuracy);
    expect(accuracyKind('binaryCrossentropy', 3, false)).toBe(MetricCode.BinaryAccuracy);
    expect(accuracyKind('sparseCategoricalCrossentropy', 3, true)).toBe(MetricCode.SparseCategoricalAccuracy);
    expect(accuracyKind('meanSquaredError', 3, true)).toBe(MetricCode.SparseCategoricalAccuracy);
    expect(accuracyKind('categoricalCrossentropy', 3, false)).toBe(MetricCode.CategoricalAccuracy);
    expect(metricRow(MetricCode.MeanAbsoluteError, [0.5, -1], 0, 2, [1, 1], 0, -1)).toBe(1.25);
    expect(metricRow(MetricCode.MeanSquaredError, [0.5, -1], 0, 2, [1, 1], 0, -1)).toBe(2.125);
    expect(metricRow(MetricCode.MeanSquaredError, [0.5, 0], 0, 2, null, 0, 1)).toBe(0.625);
    expect(metricRow(MetricCode.BinaryAccuracy, [0.7, 0.4], 0, 2, [1, 1], 0, -1)).toBe(0.5);
    expect(metricRow(MetricCode.BinaryAccuracy, [0.5], 0, 1, [1], 0, -1)).toBe(0);
    expect(metricRow(MetricCode.CategoricalAccuracy, [0.1, 0.6, 0.3], 0, 3, [0, 1, 0], 0, -1)).toBe(1);
    expect(metricRow(MetricCode.SparseCategoricalAccuracy, [0.1, 0.6, 0.3], 0, 3, null, 0, 2)).toBe(0);
  });

  it('activation gradients match finite differences', () => {
    const z = new Float64Array([-1.3, 0.4, 2.2]);
    const dy = new Float32Array([0.3, -0.8, 0.5]);
    const cases: [ActivationName, number?][] = [['linear'], ['sigmoid'], ['relu'], ['tanh'], ['softmax'], ['leakyRelu'], ['leakyRelu', 0.1]];
    for (const [act, alpha] of cases) {
      const y = new Float32Array(z);
      applyActivation(act, y, 3, alpha);
      const dz = activationBackward(act, y, dy, 3, alpha);
      const f = (x: Float64Array) => {
        const v = new Float32Array(x);
        applyActivation(act, v, 3, alpha);
        return v.reduce((a, yi, j) => a + yi * dy[j], 0);
      };
      // float32 activations inside f: differences good to ~1e-4 with h = 1e-3.
      for (let i = 0; i < 3; i++) expect(Math.abs(dz[i] - finiteDifference(f, z, i, 1e-3))).toBeLessThan(1e-4);
    }
  });
});

describe('optimizers', () => {
  it("apply Keras's update rules", () => {
    const g = 0.5;
    const run = (opt: Optimizer, steps: number) => {
      const p = new Float32Array([1]);
      const slots: [Float32Array, Float32Array, Float32Array] = [new Float32Array([initialSlotValue(opt)]), new Float32Array(1), new Float32Array(1)];
      // grads are batch sums: a sum of 2 * g over a batch of 2 is a mean of g.
      for (let t = 1; t <= steps; t++) applyUpdate(stepParams(opt, t), p, new Float32Array([2 * g]), 0.5, slots);
      return p[0];
    };
    expect(run(new SGD({ learningRate: 0.1 }), 2)).toBeCloseTo(1 - 2 * 0.1 * g, 7);
    // momentum 0.9: v1 = -lr g, p1 = 1 + v1; v2 = 0.9 v1 - lr g, p2 = p1 + v2
    const v1 = -0.1 * g;
    const v2 = 0.9 * v1 - 0.1 * g;
    expect(run(new SGD({ learningRate: 0.1, momentum: 0.9 }), 2)).toBeCloseTo(1 + v1 + v2, 7);
    // nesterov: p += m v - lr g
    expect(run(new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }), 2)).toBeCloseTo(1 + (0.9 * v1 - 0.1 * g) + (0.9 * v2 - 0.1 * g), 7);
    // Adam, 2 steps with a constant gradient
    let p = 1;
    let m = 0;
    let v = 0;
    for (let t = 1; t <= 2; t++) {
      const alpha = (0.01 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      m += (g - m) * (1 - 0.9);
      v += (g * g - v) * (1 - 0.999);
      p -= (alpha * m) / (Math.sqrt(v) + 1e-7);
    }
    expect(run(new Adam({ learningRate: 0.01 }), 2)).toBeCloseTo(p, 6);
    // AdamW: the same steps after shrinking the weight by lr * weightDecay each step
    p = 1;
    m = 0;
    v = 0;
    for (let t = 1; t <= 2; t++) {
      const alpha = (0.01 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      p -= p * 0.01 * 0.1;
      m += (g - m) * (1 - 0.9);
      v += (g * g - v) * (1 - 0.999);
      p -= (alpha * m) / (Math.sqrt(v) + 1e-7);
    }
    expect(run(new AdamW({ learningRate: 0.01, weightDecay: 0.1 }), 2)).toBeCloseTo(p, 6);
    // RMSprop: s1 = 0.1 g^2, p1 = 1 - lr g / sqrt(s1 + eps); s2 = 0.9 s1 + 0.1 g^2
    const s1 = 0.1 * g * g;
    const s2 = 0.9 * s1 + 0.1 * g * g;
    const rms = 1 - (0.01 * g) / Math.sqrt(s1 + 1e-7) - (0.01 * g) / Math.sqrt(s2 + 1e-7);
    expect(run(new RMSprop({ learningRate: 0.01 }), 2)).toBeCloseTo(rms, 6);
    // with momentum 0.5 the second increment adds half the first
    expect(run(new RMSprop({ learningRate: 0.01, momentum: 0.5 }), 2)).toBeCloseTo(rms - 0.5 * (0.01 * g) / Math.sqrt(s1 + 1e-7), 6);
    // centered: the denominator subtracts the squared running mean of g (0.1 g, then 0.19 g)
    const centered = 1 - (0.01 * g) / Math.sqrt(s1 - (0.1 * g) ** 2 + 1e-7) - (0.01 * g) / Math.sqrt(s2 - (0.19 * g) ** 2 + 1e-7);
    expect(run(new RMSprop({ learningRate: 0.01, centered: true }), 2)).toBeCloseTo(centered, 6);
    // Adagrad: the accumulator starts at 0.1 and adds g^2 each step
    const ada = 1 - (0.01 * g) / Math.sqrt(0.1 + g * g + 1e-7) - (0.01 * g) / Math.sqrt(0.1 + 2 * g * g + 1e-7);
    expect(run(new Adagrad({ learningRate: 0.01 }), 2)).toBeCloseTo(ada, 6);
  });

  it('take a new learning rate from the next step, checked on assignment', () => {
    for (const opt of [new SGD(), new Adam(), new AdamW(), new RMSprop(), new Adagrad()]) {
      opt.learningRate = 0.25;
      expect(opt.learningRate).toBe(0.25);
      expect(opt.getConfig().learningRate).toBe(0.25);
      expect(() => (opt.learningRate = -1)).toThrow(ArgumentError);
      expect(() => (opt.learningRate = -1)).toThrow(new RegExp(`^${opt.className}.learningRate: learningRate must be a positive finite number, got -1$`));
      expect(opt.learningRate).toBe(0.25);
    }
    expect(stepParams(new SGD({ learningRate: 0.5 }), 1).rate).toBe(0.5);
    const adam = new Adam({ learningRate: 0.1 });
    const before = stepParams(adam, 3).rate;
    adam.learningRate = 0.05;
    expect(stepParams(adam, 3).rate).toBeCloseTo(before / 2, 12);
  });

  it("have Keras's defaults and reject bad settings", () => {
    expect(new SGD().getConfig()).toEqual({ learningRate: 0.01, momentum: 0, nesterov: false });
    expect(new Adam().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 });
    expect(new AdamW().getConfig()).toEqual({ learningRate: 0.001, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.004 });
    expect(new RMSprop().getConfig()).toEqual({ learningRate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(new Adagrad().getConfig()).toEqual({ learningRate: 0.001, initialAccumulatorValue: 0.1, epsilon: 1e-7 });
    expect(['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'].map((n) => parseOptimizer('compile', n).className)).toEqual(['SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad']);
    expect(() => new RMSprop({ rho: 1 })).toThrow(/RMSprop: rho must be a number in \[0, 1\)/);
    expect(() => new RMSprop({ centered: 1 as never })).toThrow(/RMSprop: centered must be a boolean/);
    expect(() => new Adagrad({ initialAccumulatorValue: -1 })).toThrow(/Adagrad: initialAccumulatorValue must be a finite number >= 0/);
    expect(() => new AdamW({ weightDecay: NaN })).toThrow(/AdamW: weightDecay must be a finite number >= 0/);
    expect(() => new AdamW({ amsgrad: true } as never)).toThrow(/AdamW: unknown option 'amsgrad': AMSGrad is not supported/);
    for (const lr of [0, -0.1, NaN, Infinity, '0.1']) {
      expect(() => new SGD({ learningRate: lr as number })).toThrow(ArgumentError);
      expect(() => new SGD({ learningRate: lr as number })).toThrow(/SGD: learningRate must be a positive finite number/);
      expect(() => new Adam({ learningRate: lr as number })).toThrow(/Adam: learningRate must be a positive finite number/);
    }
    expect(() => new SGD({ momentum: 1 })).toThrow(/momentum must be a number in \[0, 1\)/);
    expect(() => new Adam({ beta2: -1 })).toThrow(/beta2/);
  });
});
