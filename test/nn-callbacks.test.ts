/**
 * fit's callbacks on the cpu backend (the same loop and layer-wise trainer as the GPU's): Keras's
 * hook order for every yieldEvery, logs per step and epoch, weights of each epoch inside a group,
 * stopTraining, EarlyStopping (exact stop epoch, restoreBestWeights), LearningRateScheduler and
 * ReduceLROnPlateau applied exactly per epoch inside a group, and the refusals of bad options.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, Adam, Dense, EarlyStopping, LearningRateScheduler, ReduceLROnPlateau, SGD, Sequential, createContext, type Context, type FitOptions, type Logs } from '../src/index';

let ctx: Context;
beforeAll(async () => {
  ctx = await createContext({ backend: 'cpu' });
});
afterAll(() => ctx.destroy());

const X = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2], [0.1, 0.9]];
const Y = [[0], [1], [1], [0], [1], [1]];

function model(optimizer: 'sgd' | 'adam' = 'sgd'): Sequential {
  const m = new Sequential([new Dense({ units: 3, inputShape: [2], activation: 'tanh' }), new Dense({ units: 1, activation: 'sigmoid' })]);
  m.compile({ loss: 'binaryCrossentropy', optimizer: optimizer === 'sgd' ? new SGD({ learningRate: 0.3, momentum: 0.5 }) : new Adam({ learningRate: 0.05 }), metrics: ['accuracy'], seed: 3, context: ctx });
  return m;
}

async function weightsAfter(epochs: number, options: FitOptions = {}, optimizer: 'sgd' | 'adam' = 'sgd'): Promise<number[]> {
  const m = model(optimizer);
  await m.fit(X, Y, { batchSize: 4, seed: 5, ...options, epochs });
  const w = (await m.getWeights()).map((w) => w.values).flatMap((a) => Array.from(a));
  m.dispose();
  return w;
}

async function weightsOf(m: Sequential): Promise<number[]> {
  return (await m.getWeights()).map((w) => w.values).flatMap((a) => Array.from(a));
}

describe('callbacks', () => {
  it.each(['auto', 'batch', 'epoch', 'never', 5] as const)('yieldEvery %j: hooks in Keras order with the logs of every step and epoch', async (yieldEvery) => {
    const m = model();
    const events: string[] = [];
    await m.fit(X, Y, {
      epochs: 3,
      batchSize: 2,
      seed: 5,
      validationSplit: 0.34,
      yieldEvery,
      callbacks: [
        {
          onTrainBegin: () => void events.push('trainBegin'),
          onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
          onBatchBegin: (b) => void events.push(`batchBegin ${b}`),
          onBatchEnd: (b, logs) => void events.push(`batchEnd ${b} ${Object.keys(logs).join(',')}`),
          onEpochEnd: (e, logs) => void events.push(`epochEnd ${e} ${Object.keys(logs).join(',')}`),
          onTrainEnd: (logs) => void events.push(`trainEnd ${Object.keys(logs).join(',')}`),
        },
        { onEpochEnd: (e) => void events.push(`second ${e}`) },
      ],
    });
    const epoch = (e: number) => [`epochBegin ${e}`, 'batchBegin 0', 'batchEnd 0 loss,accuracy', 'batchBegin 1', 'batchEnd 1 loss,accuracy', `epochEnd ${e} loss,accuracy,val_loss,val_accuracy`, `second ${e}`];
    expect(events).toEqual(['trainBegin', ...epoch(0), ...epoch(1), ...epoch(2), 'trainEnd loss,accuracy,val_loss,val_accuracy']);
    m.dispose();
  });

  it('delivers the same logs and trains the same weights whatever yieldEvery', async () => {
    const run = async (yieldEvery: FitOptions['yieldEvery']) => {
      const m = model('adam');
      const batches: number[] = [];
      const h = await m.fit(X, Y, { epochs: 5, batchSize: 2, seed: 5, yieldEvery, callbacks: { onBatchEnd: (_b, logs) => void batches.push(logs.loss) } });
      const w = await weightsOf(m);
      m.dispose();
      return { batches, loss: h.loss, w };
    };
    const batch = await run('batch');
    const auto = await run('auto');
    expect(auto.batches).toHaveLength(15);
    expect(auto).toEqual(batch);
    // The epoch loss is the mean of its (equal-sized) batches.
    expect(auto.loss[0]).toBeCloseTo((auto.batches[0] + auto.batches[1] + auto.batches[2]) / 3, 6);
  });

  it('shows each epoch its own weights inside a group, and stopTraining ends at that epoch', async () => {
    const m = model();
    let seen: number[] = [];
    const h = await m.fit(X, Y, {
      epochs: 20,
      batchSize: 4,
      seed: 5,
      callbacks: {
        onEpochEnd: async (epoch) => {
          if (epoch === 2) seen = await weightsOf(m);
          if (epoch === 4) m.stopTraining = true;
        },
      },
    });
    expect(h.epoch).toEqual([0, 1, 2, 3, 4]);
    expect(seen).toEqual(await weightsAfter(3));
    expect(await weightsOf(m)).toEqual(await weightsAfter(5));
    m.dispose();
  });

  it('EarlyStopping stops at the epoch Keras does, with that epoch weights', async () => {
    // A minDelta no epoch can beat: epoch 0 improves (there is no best yet), then `patience` epochs wait.
    const m = model();
    const stopper = new EarlyStopping({ monitor: 'loss', minDelta: 10, patience: 3 });
    const h = await m.fit(X, Y, { epochs: 30, batchSize: 4, seed: 5, callbacks: [stopper] });
    expect(h.epoch).toEqual([0, 1, 2, 3]);
    expect(stopper.stoppedEpoch).toBe(3);
    expect(await weightsOf(m)).toEqual(await weightsAfter(4));
    m.dispose();
  });

  it('EarlyStopping with restoreBestWeights leaves the best epoch weights', async () => {
    // Only epoch 0 improves (on nothing), so it stays the best.
    const m = model();
    const stopper = new EarlyStopping({ monitor: 'loss', minDelta: 10, patience: 2, restoreBestWeights: true });
    const h = await m.fit(X, Y, { epochs: 30, batchSize: 4, seed: 5, callbacks: stopper });
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(stopper.bestEpoch).toBe(0);
    expect(await weightsOf(m)).toEqual(await weightsAfter(1));
    m.dispose();
  });

  it('EarlyStopping with a baseline stops when the baseline is not beaten', async () => {
    const m = model();
    const h = await m.fit(X, Y, { epochs: 30, batchSize: 4, seed: 5, callbacks: new EarlyStopping({ monitor: 'val_loss', baseline: -1, patience: 1, mode: 'max' }), validationSplit: 0.34 });
    // Epoch 0 improves on nothing but not on the baseline (wait stays 1): stop at epoch 1.
    expect(h.epoch).toEqual([0, 1]);
    m.dispose();
  });

  it('LearningRateScheduler applies per epoch inside a group, as a rate set in onEpochBegin does', async () => {
    const schedule = (epoch: number, lr: number) => (epoch < 2 ? lr : lr * 0.5);
    for (const optimizer of ['sgd', 'adam'] as const) {
      const m = model(optimizer);
      const rates: number[] = [];
      await m.fit(X, Y, { epochs: 6, batchSize: 4, seed: 5, callbacks: [new LearningRateScheduler(schedule), { onEpochEnd: () => void rates.push(m.optimizer!.learningRate) }] });
      const byHand = model(optimizer);
      await byHand.fit(X, Y, {
        epochs: 6,
        batchSize: 4,
        seed: 5,
        callbacks: {
          onEpochBegin: (epoch) => {
            byHand.optimizer!.learningRate = schedule(epoch, byHand.optimizer!.learningRate);
          },
        },
      });
      const base = optimizer === 'sgd' ? 0.3 : 0.05;
      expect(rates).toEqual([base, base, base / 2, base / 4, base / 8, base / 16]);
      expect(await weightsOf(m)).toEqual(await weightsOf(byHand));
      m.dispose();
      byHand.dispose();
    }
  });

  it('ReduceLROnPlateau lowers the rate from the next epoch, exactly, inside a group', async () => {
    const m = model();
    // A minDelta no epoch can beat: only epoch 0 improves, so the rate halves after epochs 1, 2, 3, ...
    await m.fit(X, Y, { epochs: 6, batchSize: 4, seed: 5, callbacks: new ReduceLROnPlateau({ monitor: 'loss', minDelta: 10, patience: 1, factor: 0.5 }) });
    const byHand = model();
    await byHand.fit(X, Y, { epochs: 6, batchSize: 4, seed: 5, callbacks: new LearningRateScheduler((epoch, lr) => (epoch >= 2 ? lr * 0.5 : lr)) });
    expect(m.optimizer!.learningRate).toBe(0.3 / 32);
    expect(await weightsOf(m)).toEqual(await weightsOf(byHand));
    m.dispose();
    byHand.dispose();
  });

  it.each([
    [() => new EarlyStopping({ patince: 3 } as never), "EarlyStopping: unknown option in config: 'patince' (did you mean 'patience'?)"],
    [() => new EarlyStopping({ min_delta: 0.1 } as never), "EarlyStopping: unknown option in config: 'min_delta' (did you mean 'minDelta'?)"],
    [() => new EarlyStopping({ mode: 'lowest' } as never), "EarlyStopping: mode must be 'auto', 'min' or 'max', got \"lowest\""],
    [() => new ReduceLROnPlateau({ factr: 0.5 } as never), "ReduceLROnPlateau: unknown option in config: 'factr' (did you mean 'factor'?)"],
    [() => new ReduceLROnPlateau({ factor: 2 }), 'ReduceLROnPlateau: factor must be a number in (0, 1), got 2'],
    [() => new LearningRateScheduler(0.1 as never), 'LearningRateScheduler: schedule must be a function (epoch, learningRate) => learningRate, got 0.1'],
  ])('refuses bad built-in options (%#)', (make, message) => {
    expect(make).toThrow(new ArgumentError(message.slice(0, message.indexOf(':')), message.slice(message.indexOf(':') + 2)));
  });

  it.each([
    [new EarlyStopping({ monitor: 'val_los' }), "EarlyStopping: monitor 'val_los' is not logged by this fit (give validationSplit or validationData to log val_ values)"],
    [new EarlyStopping({ monitor: 'acuracy' }), "EarlyStopping: monitor 'acuracy' is not logged by this fit (did you mean 'accuracy'?)"],
    [new LearningRateScheduler(() => -1), 'LearningRateScheduler: schedule(0, 0.3) must return a positive finite number, got -1'],
  ])('refuses a monitor fit does not log and a bad schedule (%#)', async (callback, message) => {
    const m = model();
    await expect(m.fit(X, Y, { epochs: 2, callbacks: callback })).rejects.toThrow(new ArgumentError(message.slice(0, message.indexOf(':')), message.slice(message.indexOf(':') + 2)));
    m.dispose();
  });

  it('logs match what fit records in History', async () => {
    const m = model();
    const logs: Logs[] = [];
    const h = await m.fit(X, Y, { epochs: 4, batchSize: 3, seed: 5, validationSplit: 0.34, callbacks: { onEpochEnd: (_e, l) => void logs.push(l) } });
    expect(logs.map((l) => l.val_loss)).toEqual(h.val_loss);
    expect(logs.map((l) => l.accuracy)).toEqual(h.accuracy);
    m.dispose();
  });

  it('validationData (arrays or tensors) validates as validationSplit does on the same samples', async () => {
    const split = model();
    const hs = await split.fit(X, Y, { epochs: 3, batchSize: 2, seed: 5, validationSplit: 0.5 });
    const given = model();
    const logs: Logs[] = [];
    const hd = await given.fit(X.slice(0, 3), Y.slice(0, 3), { epochs: 3, batchSize: 2, seed: 5, validationData: [X.slice(3), Y.slice(3)], callbacks: { onEpochEnd: (_e, l) => void logs.push(l) } });
    expect(hd.history).toEqual(hs.history);
    expect(logs.map((l) => l.val_accuracy)).toEqual(hs.val_accuracy);
    expect(await weightsOf(given)).toEqual(await weightsOf(split));
    const vx = ctx.tensor(X.slice(3));
    const vy = ctx.tensor(Y.slice(3));
    const tensors = model();
    const ht = await tensors.fit(X.slice(0, 3), Y.slice(0, 3), { epochs: 3, batchSize: 2, seed: 5, validationData: [vx, vy] });
    expect(ht.val_loss).toEqual(hs.val_loss);
    await expect(tensors.fit(X, Y, { validationData: [[[1, 2, 3]], [[1]]] })).rejects.toThrow('fit (validationData)');
    for (const t of [vx, vy]) t.destroy();
    for (const m of [split, given, tensors]) m.dispose();
  });

  it.each(['auto', 'batch'] as const)('stopTraining set in a batch hook ends training at the end of that epoch (yieldEvery %s)', async (yieldEvery) => {
    const m = model();
    const h = await m.fit(X, Y, {
      epochs: 10,
      batchSize: 2,
      seed: 5,
      yieldEvery,
      callbacks: {
        onBatchEnd: (batch) => {
          if (batch === 0) m.stopTraining = true;
        },
      },
    });
    expect(h.epoch).toEqual([0]);
    expect(await weightsOf(m)).toEqual(await weightsAfter(1, { batchSize: 2 }));
    m.dispose();
  });

  it('awaits a hook that returns a promise before the next hook, synchronous or not', async () => {
    const m = model();
    const events: string[] = [];
    await m.fit(X, Y, {
      epochs: 2,
      batchSize: 4,
      callbacks: [
        { onEpochEnd: async (e) => void (await new Promise((r) => setTimeout(r, 2)), events.push(`slow ${e}`)) },
        { onEpochEnd: (e) => void events.push(`sync ${e}`), onTrainEnd: () => void events.push('end') },
      ],
    });
    expect(events).toEqual(['slow 0', 'sync 0', 'slow 1', 'sync 1', 'end']);
    m.dispose();
  });

  it('a stop inside a group rewinds the optimizer state too: training on matches an uninterrupted run', async () => {
    const stopped = model('adam');
    await stopped.fit(X, Y, { epochs: 20, batchSize: 4, shuffle: false, callbacks: { onEpochEnd: (e) => void (e === 4 && (stopped.stopTraining = true)) } });
    await stopped.fit(X, Y, { epochs: 2, batchSize: 4, shuffle: false });
    const straight = model('adam');
    await straight.fit(X, Y, { epochs: 5, batchSize: 4, shuffle: false });
    await straight.fit(X, Y, { epochs: 2, batchSize: 4, shuffle: false });
    expect(await weightsOf(stopped)).toEqual(await weightsOf(straight));
    stopped.dispose();
    straight.dispose();
  });
});
