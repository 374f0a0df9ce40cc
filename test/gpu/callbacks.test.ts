/**
 * fit's callbacks on each WebGPU training path ('fused-lanes', 'fused-small', 'layerwise'): the
 * hook order for yieldEvery 'auto' and 'batch' with the same per-step logs, EarlyStopping's exact
 * stop (with and without restoreBestWeights, and with centered RMSprop's three state slots) when
 * the epochs ran inside one group, and a per-epoch learning-rate schedule inside a group (Adam,
 * Adagrad, AdamW's decay) against the cpu backend's run, and
 * validationData against validationSplit on the same samples.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, expectClose, type GpuPage } from './page';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPage();
});
afterAll(async () => {
  await gpu?.close();
});

describe('callbacks on the GPU training paths', () => {
  it.each(['fused-lanes', 'fused-small', 'layerwise'])('%s', async (variant) => {
    const r = await gpu.run(
      async (nn, util, { variant }) => {
        const gpuCtx = await nn.createContext({ device: await util.sharedDevice('raised') });
        gpuCtx.setKernelVariant('fit', variant);
        const cpuCtx = await nn.createContext({ backend: 'cpu' });
        const x = [[0, 0], [0, 1], [1, 0], [1, 1], [0.5, 0.2], [0.1, 0.9]];
        const y = [[0], [1], [1], [0], [1], [1]];
        const optimizers = {
          sgd: () => new nn.SGD({ learningRate: 0.3, momentum: 0.5 }),
          adam: () => new nn.Adam({ learningRate: 0.05 }),
          // Three state slots (mean square, velocity, mean gradient) in each snapshot.
          rmsprop: () => new nn.RMSprop({ learningRate: 0.05, momentum: 0.5, centered: true }),
          adagrad: () => new nn.Adagrad({ learningRate: 0.2 }),
          // Its decay, lr * weightDecay, follows the schedule too.
          adamw: () => new nn.AdamW({ learningRate: 0.05, weightDecay: 0.5 }),
        };
        const make = (ctx: typeof gpuCtx, optimizer: keyof typeof optimizers) => {
          const m = new nn.Sequential([new nn.Dense({ units: 3, inputShape: [2], activation: 'tanh' }), new nn.Dense({ units: 1, activation: 'sigmoid' })]);
          m.compile({ loss: 'binaryCrossentropy', optimizer: optimizers[optimizer](), metrics: ['accuracy', 'mae'], seed: 3, context: ctx });
          return m;
        };
        const weights = async (m: ReturnType<typeof make>) => (await m.getWeights()).map((w) => w.values).flatMap((a) => Array.from(a));
        const after = async (epochs: number, optimizer: keyof typeof optimizers = 'sgd') => {
          const m = make(gpuCtx, optimizer);
          await m.fit(x, y, { epochs, batchSize: 3, seed: 5 });
          const w = await weights(m);
          m.dispose();
          return w;
        };

        const order = async (yieldEvery: 'auto' | 'batch') => {
          const m = make(gpuCtx, 'adam');
          const events: string[] = [];
          const batchLogs: number[][] = [];
          await m.fit(x, y, {
            epochs: 3,
            batchSize: 3,
            seed: 5,
            yieldEvery,
            callbacks: {
              onTrainBegin: () => void events.push('tb'),
              onEpochBegin: (e: number) => void events.push(`eb${e}`),
              onBatchBegin: (b: number) => void events.push(`bb${b}`),
              onBatchEnd: (b: number, logs: Record<string, number>) => {
                events.push(`be${b}`);
                batchLogs.push([logs.loss, logs.accuracy, logs.mae]);
              },
              onEpochEnd: (e: number) => void events.push(`ee${e}`),
              onTrainEnd: () => void events.push('te'),
            },
          });
          m.dispose();
          return { events: events.join(' '), batchLogs };
        };
        const auto = await order('auto');
        const batch = await order('batch');

        const stopper = new nn.EarlyStopping({ monitor: 'loss', minDelta: 10, patience: 3 });
        const stopped = make(gpuCtx, 'sgd');
        const hStop = await stopped.fit(x, y, { epochs: 6, batchSize: 3, seed: 5, callbacks: [stopper, { onEpochEnd: () => {} }] });
        const stoppedRms = make(gpuCtx, 'rmsprop');
        await stoppedRms.fit(x, y, { epochs: 6, batchSize: 3, seed: 5, callbacks: new nn.EarlyStopping({ monitor: 'loss', minDelta: 10, patience: 3 }) });
        const best = new nn.EarlyStopping({ monitor: 'loss', minDelta: 10, patience: 2, restoreBestWeights: true });
        const restored = make(gpuCtx, 'sgd');
        const hBest = await restored.fit(x, y, { epochs: 5, batchSize: 3, seed: 5, callbacks: best });

        const scheduled: number[][] = [];
        for (const optimizer of ['adam', 'adagrad', 'adamw'] as const) {
          for (const ctx of [gpuCtx, cpuCtx]) {
            const m = make(ctx, optimizer);
            await m.fit(x, y, { epochs: 5, batchSize: 3, seed: 5, callbacks: new nn.LearningRateScheduler((e: number, lr: number) => (e % 3 === 2 ? lr * 0.5 : lr)) });
            scheduled.push(await weights(m));
            m.dispose();
          }
        }
        const valSplit = make(gpuCtx, 'sgd');
        const hSplit = await valSplit.fit(x, y, { epochs: 3, batchSize: 3, seed: 5, validationSplit: 0.5 });
        const valData = make(gpuCtx, 'sgd');
        const hData = await valData.fit(x.slice(0, 3), y.slice(0, 3), { epochs: 3, batchSize: 3, seed: 5, validationData: [x.slice(3), y.slice(3)] });
        valSplit.dispose();
        valData.dispose();
        const out = {
          validation: [hSplit.history, hData.history],
          ran: gpuCtx.lastKernelVariant('fit'),
          auto,
          batch,
          stopEpochs: hStop.epoch,
          stoppedMatches: util.compare(await weights(stopped), await after(4), 0, 0),
          stoppedRmsMatches: util.compare(await weights(stoppedRms), await after(4, 'rmsprop'), 0, 0),
          bestEpochs: hBest.epoch,
          restoredMatches: util.compare(await weights(restored), await after(1), 0, 0),
          schedule: util.compare(scheduled[0], scheduled[1], 1e-5, 1e-4),
          scheduleAdagrad: util.compare(scheduled[2], scheduled[3], 1e-5, 1e-4),
          scheduleAdamW: util.compare(scheduled[4], scheduled[5], 1e-5, 1e-4),
        };
        stopped.dispose();
        stoppedRms.dispose();
        restored.dispose();
        gpuCtx.destroy();
        cpuCtx.destroy();
        return out;
      },
      { variant },
    );
    expect(r.ran).toBe(variant);
    // validationData is validated as the same samples held out by validationSplit.
    expect(r.validation[1]).toEqual(r.validation[0]);
    const epoch = (e: number) => `eb${e} bb0 be0 bb1 be1 ee${e}`;
    expect(r.auto.events).toBe(`tb ${epoch(0)} ${epoch(1)} ${epoch(2)} te`);
    expect(r.batch.events).toBe(r.auto.events);
    // Same kernels, same steps: the per-step logs (loss and every metric) of one group equal those
    // of one-step groups.
    expect(r.auto.batchLogs).toHaveLength(6);
    r.auto.batchLogs.flat().forEach((v) => expect(Number.isFinite(v)).toBe(true));
    expect(r.auto.batchLogs).toEqual(r.batch.batchLogs);
    expect(r.stopEpochs).toEqual([0, 1, 2, 3]);
    expectClose('weights after EarlyStopping at epoch 3 vs a 4-epoch run', r.stoppedMatches);
    expectClose('centered RMSprop: weights after EarlyStopping at epoch 3 vs a 4-epoch run', r.stoppedRmsMatches);
    expect(r.bestEpochs).toEqual([0, 1, 2]);
    expectClose('restoreBestWeights vs a 1-epoch run', r.restoredMatches);
    expectClose('LearningRateScheduler inside a group vs the cpu backend', r.schedule);
    expectClose('LearningRateScheduler with Adagrad inside a group vs the cpu backend', r.scheduleAdagrad);
    expectClose('LearningRateScheduler with AdamW inside a group vs the cpu backend', r.scheduleAdamW);
  });
});
