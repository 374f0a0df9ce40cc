/**
 * Training that survives a lost device: the device (its own, from createContext({ device }),
 * never a shared one) is destroyed in the middle of a fit on each training path ('fused-lanes',
 * 'fused-small', 'layerwise') with SGD+momentum and with Adam; fit rejects with a
 * DeviceLostError carrying the epoch and step it kept, the model moves to a fresh context with
 * useContext and fit({ initialEpoch }) finishes at the uninterrupted run's weights. Also what
 * becomes of the rest after a loss: the lost context's tensors, the default context, predict,
 * evaluate and autotuning in flight.
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

const CASES = ['fused-lanes', 'fused-small', 'layerwise'].flatMap((path) => [
  [path, 'sgd-momentum'],
  [path, 'adam'],
]);

describe('a device lost in the middle of fit', () => {
  // Same tolerance as the training paths against the cpu backend (training.test.ts); the resumed
  // run repeats the same arithmetic on the same adapter, so in practice it matches exactly.
  it.each(CASES)('%s, %s: DeviceLostError with the epoch kept, then useContext and initialEpoch finish the run', async (path, optimizerName) => {
    const r = await gpu.run(
      async (nn, util, { path, optimizerName }) => {
        const x = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(2 * i), (i % 4) / 4]);
        const y = x.map(([a, b, c]) => [a - b + c > 0 ? 1 : 0]);
        const build = (ctx: InstanceType<typeof nn.Sequential>['context']) => {
          const model = new nn.Sequential([new nn.Dense({ units: 4, inputShape: [3], activation: 'tanh' }), new nn.Dense({ units: 1, activation: 'sigmoid' })]);
          const optimizer = optimizerName === 'adam' ? new nn.Adam({ learningRate: 0.05 }) : new nn.SGD({ learningRate: 0.2, momentum: 0.9 });
          model.compile({ loss: 'binaryCrossentropy', optimizer, metrics: ['accuracy'], seed: 5, context: ctx! });
          return model;
        };
        const options = { epochs: 5, batchSize: 4, seed: 9 };

        // The doomed device asks for subgroups, as createContext() does, so that 'fused-lanes' runs.
        const adapter = (await navigator.gpu.requestAdapter())!;
        const device = await adapter.requestDevice({ requiredFeatures: adapter.features.has('subgroups') ? ['subgroups'] : [] });
        const doomed = await nn.createContext({ device });
        doomed.setKernelVariant('fit', path);
        const model = build(doomed);
        let error: InstanceType<typeof nn.DeviceLostError> | null = null;
        try {
          // Destroyed at the end of epoch 1 (epoch 2's work is recorded on the dead device next).
          await model.fit(x, y, { ...options, callbacks: { onEpochEnd: (epoch: number) => void (epoch === 1 && device.destroy()) } });
        } catch (e) {
          error = e as InstanceType<typeof nn.DeviceLostError>;
        }
        const lostVariant = doomed.lastKernelVariant('fit');

        const fresh = await nn.createContext({ device: await util.sharedDevice('raised') });
        fresh.setKernelVariant('fit', path);
        await model.useContext(fresh);
        const rest = await model.fit(x, y, { ...options, initialEpoch: error!.epoch! + 1 });
        const resumed = await model.getWeights();

        const reference = build(fresh);
        const whole = await reference.fit(x, y, options);
        const expected = await reference.getWeights();
        const result = {
          name: error?.name,
          isDeviceLost: error instanceof nn.DeviceLostError,
          op: error?.op,
          reason: error?.reason,
          epoch: error?.epoch,
          step: error?.step,
          historyEpochs: (error?.history as { epoch: number[] } | undefined)?.epoch,
          lostVariant,
          freshVariant: fresh.lastKernelVariant('fit'),
          restEpochs: rest.epoch,
          lossesMatch: [...(error?.history as { loss: number[] }).loss, ...rest.loss].map((v, i) => Math.abs(v - whole.loss[i]) <= 1e-6 + 1e-4 * Math.abs(whole.loss[i])),
          weights: util.compare(resumed.flatMap((w) => Array.from(w)), expected.flatMap((w) => Array.from(w)), 1e-5, 1e-4),
          freshTensorsAfter: 0,
        };
        model.dispose();
        reference.dispose();
        result.freshTensorsAfter = fresh.memory().numTensors;
        fresh.destroy();
        doomed.destroy();
        return result;
      },
      { path, optimizerName },
    );
    expect(r.name).toBe('DeviceLostError');
    expect(r.isDeviceLost).toBe(true);
    expect([r.op, r.reason]).toEqual(['fit', 'destroyed']);
    // 12 samples in batches of 4: 3 steps per epoch; epochs 0 and 1 were kept, steps 0..5 done.
    expect([r.epoch, r.step]).toEqual([1, 5]);
    expect(r.historyEpochs).toEqual([0, 1]);
    expect([r.lostVariant, r.freshVariant]).toEqual([path, path]);
    expect(r.restEpochs).toEqual([2, 3, 4]);
    expect(r.lossesMatch).toEqual([true, true, true, true, true]);
    expectClose('resumed weights vs uninterrupted', r.weights);
    expect(r.freshTensorsAfter).toBe(0);
  });
});
