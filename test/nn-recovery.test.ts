/**
 * Continuing a fit elsewhere, on the cpu backend: fit({ initialEpoch }) numbers epochs as Keras
 * does, each epoch's shuffle depends on (seed, epoch) only, a fit split in two (with useContext
 * between the halves) reaches the weights of the uninterrupted fit with SGD+momentum and Adam,
 * and useContext moves weights and optimizer state between contexts. The GPU side (a device lost
 * in the middle of a fit) is in test/gpu/recovery.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { Adam, ArgumentError, Dense, ModelStateError, SGD, Sequential, createContext, setDefaultContext, type Context } from '../src/index';

const X = Array.from({ length: 10 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 3) - 1]);
const Y = X.map(([a, b, c]) => [a * 0.5 - b + 0.25 * c > 0 ? 1 : 0]);

function model(ctx: Context, optimizer: SGD | Adam): Sequential {
  const m = new Sequential([new Dense({ units: 4, inputShape: [3], activation: 'tanh' }), new Dense({ units: 1, activation: 'sigmoid' })]);
  m.compile({ loss: 'binaryCrossentropy', optimizer, metrics: ['accuracy'], seed: 3, context: ctx });
  return m;
}

const optimizers = [
  ['SGD with momentum', () => new SGD({ learningRate: 0.1, momentum: 0.9 })],
  ['Adam', () => new Adam({ learningRate: 0.05 })],
] as const;

describe('fit({ initialEpoch }) and useContext on the cpu backend', () => {
  it.each(optimizers)('a fit split at an epoch and moved to another context ends at the uninterrupted weights (%s)', async (_name, optimizer) => {
    const [a, b] = [await createContext({ backend: 'cpu' }), await createContext({ backend: 'cpu' })];
    const options = { epochs: 6, batchSize: 3, seed: 11 };
    const whole = model(a, optimizer());
    const wholeHistory = await whole.fit(X, Y, options);
    const expected = (await whole.getWeights()).map((w) => w.values);

    const split = model(a, optimizer());
    const first = await split.fit(X, Y, { ...options, epochs: 2 });
    await split.useContext(b);
    expect(split.context).toBe(b);
    const second = await split.fit(X, Y, { ...options, initialEpoch: 2 });
    // Keras's numbering: the resumed fit reports epochs 2..5, with the uninterrupted run's losses.
    expect(first.epoch).toEqual([0, 1]);
    expect(second.epoch).toEqual([2, 3, 4, 5]);
    expect([...first.loss, ...second.loss]).toEqual(wholeHistory.loss);
    const got = (await split.getWeights()).map((w) => w.values);
    got.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(expected[i])));
    // The old context holds nothing of the moved model any more: only the other model's four
    // weights and its optimizer state.
    expect(a.memory().numTensors).toBe(5);
    a.destroy();
    b.destroy();
  });

  it('shuffles each epoch from (seed, epoch): epoch e is the same whether the fit starts at 0 or at e', async () => {
    const ctx = await createContext({ backend: 'cpu' });
    // Plain SGD from equal weights: an epoch's loss depends on the weights and the epoch's order.
    // Started at epoch 3 from the weights after epoch 2, the loss of epoch 3 matches.
    const ref = model(ctx, new SGD({ learningRate: 0.3 }));
    const history = await ref.fit(X, Y, { epochs: 4, batchSize: 2, seed: 5 });
    const atThree = model(ctx, new SGD({ learningRate: 0.3 }));
    await atThree.fit(X, Y, { epochs: 3, batchSize: 2, seed: 5 });
    const resumed = await atThree.fit(X, Y, { epochs: 4, batchSize: 2, seed: 5, initialEpoch: 3 });
    expect(resumed.loss[0]).toBe(history.loss[3]);
    // A different epoch's order gives a different loss: the order does depend on the epoch.
    const shifted = model(ctx, new SGD({ learningRate: 0.3 }));
    await shifted.fit(X, Y, { epochs: 3, batchSize: 2, seed: 5 });
    const other = await shifted.fit(X, Y, { epochs: 3, batchSize: 2, seed: 5, initialEpoch: 2 });
    expect(other.loss[0]).not.toBe(history.loss[3]);
    ctx.destroy();
  });

  it('initialEpoch equal to epochs trains nothing; bad values and bad contexts are refused', async () => {
    const ctx = await createContext({ backend: 'cpu' });
    const m = model(ctx, new SGD());
    const before = (await m.getWeights()).map((w) => w.values);
    const h = await m.fit(X, Y, { epochs: 2, initialEpoch: 2 });
    expect(h.epoch).toEqual([]);
    expect((await m.getWeights()).map((w) => w.values)).toEqual(before);
    await expect(m.fit(X, Y, { epochs: 2, initialEpoch: 3 })).rejects.toThrow(new ArgumentError('fit', 'initialEpoch must be an integer in [0, epochs] = [0, 2], got 3'));
    await expect(m.fit(X, Y, { epochs: 2, initialEpoch: 0.5 })).rejects.toThrow(ArgumentError);
    await expect(m.fit(X, Y, { epochs: 2, recoverable: 'yes' as unknown as boolean })).rejects.toThrow(/recoverable must be a boolean/);
    await expect(m.useContext({} as Context)).rejects.toThrow(new ArgumentError('useContext', 'ctx must be a Context from createContext(), got an object (Object)'));
    const fitting = m.fit(X, Y, { epochs: 2 });
    await expect(m.useContext(ctx)).rejects.toThrow(ModelStateError);
    await fitting;
    ctx.destroy();
  });

  it('useContext moves weights, optimizer state and configuration; an unbound model just binds', async () => {
    const [a, b] = [await createContext({ backend: 'cpu' }), await createContext({ backend: 'cpu' })];
    const m = model(a, new Adam({ learningRate: 0.05 }));
    await m.fit(X, Y, { epochs: 2, batchSize: 5, seed: 1 });
    const weights = (await m.getWeights()).map((w) => w.values);
    const beforeA = a.memory().numTensors;
    await m.useContext(b);
    expect(a.memory().numTensors).toBe(beforeA - 5);
    expect(b.memory().numTensors).toBe(5);
    expect((await m.getWeights()).map((w) => w.values)).toEqual(weights);
    expect((await m.evaluate(X, Y)).accuracy).toBeGreaterThanOrEqual(0);
    // Moving back and forth keeps the optimizer's step count (Adam's t) and moments: the next
    // epoch matches one trained without moving.
    const stay = model(a, new Adam({ learningRate: 0.05 }));
    await stay.fit(X, Y, { epochs: 2, batchSize: 5, seed: 1 });
    await stay.fit(X, Y, { epochs: 3, batchSize: 5, seed: 1, initialEpoch: 2 });
    await m.fit(X, Y, { epochs: 3, batchSize: 5, seed: 1, initialEpoch: 2 });
    expect((await m.getWeights()).map((w) => w.values)).toEqual((await stay.getWeights()).map((w) => w.values));

    const unbound = new Sequential([new Dense({ units: 1, inputShape: [3] })]);
    await unbound.useContext(b);
    expect(unbound.context).toBe(b);
    a.destroy();
    b.destroy();
  });

  it('a model whose context was destroyed continues from the copy kept on the host', async () => {
    const [a, b] = [await createContext({ backend: 'cpu' }), await createContext({ backend: 'cpu' })];
    const m = model(a, new SGD({ learningRate: 0.1, momentum: 0.9 }));
    await m.fit(X, Y, { epochs: 2, batchSize: 4, seed: 2 });
    const weights = (await m.getWeights()).map((w) => w.values);
    a.destroy();
    await m.useContext(b);
    expect((await m.getWeights()).map((w) => w.values)).toEqual(weights);
    const ref = model(b, new SGD({ learningRate: 0.1, momentum: 0.9 }));
    await ref.fit(X, Y, { epochs: 3, batchSize: 4, seed: 2 });
    await m.fit(X, Y, { epochs: 3, batchSize: 4, seed: 2, initialEpoch: 2 });
    expect((await m.getWeights()).map((w) => w.values)).toEqual((await ref.getWeights()).map((w) => w.values));
    b.destroy();
  });

  it('a destroyed default context is replaced by a new one on next need; models bound to it move with useContext', async () => {
    const first = await createContext({ backend: 'cpu' });
    setDefaultContext(first);
    const bound = new Sequential([new Dense({ units: 1, inputShape: [3] })]);
    const weights = (await bound.getWeights()).map((w) => w.values);
    expect(bound.context).toBe(first);
    first.destroy();
    const next = new Sequential([new Dense({ units: 1, inputShape: [3] })]);
    await next.getWeights();
    expect(next.context).not.toBe(first);
    expect(next.context!.backend).toBe('cpu');
    await bound.useContext(next.context!);
    expect((await bound.getWeights()).map((w) => w.values)).toEqual(weights);
  });
});
