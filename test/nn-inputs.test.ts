/**
 * What fit, predict and evaluate take as TF.js users pass it (cpu backend): predict / evaluate's
 * batchSize (results independent of it), flat typed arrays read as [n, width], and their refusals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, Dense, SGD, Sequential, ShapeError, createContext, type Context } from '../src/index';

let ctx: Context;
beforeAll(async () => {
  ctx = await createContext({ backend: 'cpu' });
});
afterAll(() => ctx.destroy());

const X = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2]];
const Y = [[0], [1], [1], [0], [1]];

function model(units = 1, activation: 'sigmoid' | 'softmax' = 'sigmoid'): Sequential {
  const m = new Sequential([new Dense({ units: 3, inputShape: [2], activation: 'tanh' }), new Dense({ units, activation })]);
  m.compile({ loss: units === 1 ? 'mse' : 'sparseCategoricalCrossentropy', optimizer: new SGD({ learningRate: 0.3 }), metrics: ['accuracy'], seed: 3, context: ctx });
  return m;
}

describe('predict / evaluate options and flat arrays', () => {
  it('predict and evaluate give the same results whatever batchSize', async () => {
    const m = model();
    const whole = m.predict(X);
    const chunked = m.predict(X, { batchSize: 2 });
    expect(chunked.shape).toEqual([5, 1]);
    expect(Array.from(await chunked.read())).toEqual(Array.from(await whole.read()));
    const a = await m.evaluate(X, Y);
    const b = await m.evaluate(X, Y, { batchSize: 2 });
    expect(b.loss).toBeCloseTo(a.loss, 6);
    expect(b.accuracy).toBe(a.accuracy);
    whole.destroy();
    chunked.destroy();
    m.dispose();
  });

  it('fit, predict and evaluate read a flat typed array as [n, width]', async () => {
    const flatX = Float32Array.from(X.flat());
    const flatY = Float32Array.from(Y.flat());
    const nested = model();
    const flat = model();
    const hn = await nested.fit(X, Y, { epochs: 3, batchSize: 2, seed: 1 });
    const hf = await flat.fit(flatX, flatY, { epochs: 3, batchSize: 2, seed: 1 });
    expect(hf.history).toEqual(hn.history);
    const p = flat.predict(flatX);
    expect(p.shape).toEqual([5, 1]);
    expect(await flat.evaluate(flatX, flatY)).toEqual(await nested.evaluate(X, Y));
    const sparse = model(3, 'softmax');
    const h = await sparse.fit(flatX, Int32Array.from([0, 1, 2, 1, 0]), { epochs: 1 });
    expect(h.loss).toHaveLength(1);
    p.destroy();
    for (const m of [nested, flat, sparse]) m.dispose();
  });

  it.each([
    [() => model().predict(X, { batchSize: 0 }), new ArgumentError('predict', 'batchSize must be an integer >= 1, got 0')],
    [() => model().predict(X, { batchsize: 2 } as never), new ArgumentError('predict', "unknown option 'batchsize' (did you mean 'batchSize'?)")],
    [() => model().predict(new Float32Array(5)), new ShapeError('predict', 'x is a flat Float32Array of 5 values, not a whole number of rows of 2')],
    [
      () => {
        const m = new Sequential([new Dense({ units: 1 })]);
        m.compile({ loss: 'mse', context: ctx });
        return m.predict(new Float32Array(4));
      }, new ShapeError('predict', 'x is a flat Float32Array: give the first layer an inputShape so that it can be read as [samples, features]'),
    ],
  ])('refuses bad batch sizes and flat arrays that are not whole rows (%#)', (call, error) => {
    expect(call).toThrow(error);
  });

  it('refuses flat targets that do not match', async () => {
    const m = model();
    await expect(m.fit(Float32Array.from(X.flat()), new Float32Array(4))).rejects.toThrow(new ShapeError('fit', 'x has 5 samples but y has 4'));
    await expect(m.evaluate(X, Float32Array.from([0, 1, NaN, 0, 1]))).rejects.toThrow(new ArgumentError('evaluate', 'y[2] is NaN; y must hold finite numbers'));
    await expect(model(3, 'softmax').fit(X, Int32Array.from([0, 1, 3, 1, 0]))).rejects.toThrow(new ArgumentError('fit', 'y[2] = 3 is not a class index in 0..2'));
    m.dispose();
  });

  it('getWeights gives { name, shape, values } in Keras order; setWeights takes them or plain arrays', async () => {
    const m = model();
    const w = await m.getWeights();
    expect(w.map(({ name, shape }) => [name.replace(/^dense_\d+/, 'dense'), shape])).toEqual([
      ['dense/kernel', [2, 3]],
      ['dense/bias', [3]],
      ['dense/kernel', [3, 1]],
      ['dense/bias', [1]],
    ]);
    const other = model();
    other.setWeights(w.map((x) => ({ ...x, values: x.values.map((v) => v + 1) })));
    expect((await other.getWeights())[0].values).toEqual(w[0].values.map((v) => v + 1));
    other.setWeights(w.map((x) => Array.from(x.values)));
    expect(await other.getWeights()).toEqual(w);
    expect(() => other.setWeights(w.map((x) => ({ ...x, shape: [x.values.length] })))).toThrow(new ShapeError('setWeights', `weights[0] (${w[0].name}) must have shape [2, 3], got [6]`));
    m.dispose();
    other.dispose();
  });
});
