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
          // Destroyed at the end of epoch 1 (epoch 2's work is recorded on the dead device next): one
          // epoch per group, so that the hook runs before epoch 2 is recorded.
          await model.fit(x, y, { ...options, yieldEvery: 'epoch', callbacks: { onEpochEnd: (epoch: number) => void (epoch === 1 && device.destroy()) } });
        } catch (e) {
          error = e as InstanceType<typeof nn.DeviceLostError>;
        }
        const lostVariant = doomed.lastKernelVariant('fit');

        const fresh = await nn.createContext({ device: await util.sharedDevice('raised') });
        fresh.setKernelVariant('fit', path);
        await model.useContext(fresh);
        const rest = await model.fit(x, y, { ...options, initialEpoch: error!.epoch! + 1 });
        const resumed = (await model.getWeights()).map((w) => w.values);

        const reference = build(fresh);
        const whole = await reference.fit(x, y, options);
        const expected = (await reference.getWeights()).map((w) => w.values);
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

describe('a device lost at any point of fit', () => {
  // The device goes after the Nth submit of the fit's work (inside a group of steps, not at a
  // callback): whatever epoch the model kept, continuing from it reaches the uninterrupted weights.
  it('with and without recoverable, on the fused path, at several points', async () => {
    const r = await gpu.run(async (nn, util) => {
      const x = Array.from({ length: 12 }, (_, i) => [Math.sin(i), Math.cos(2 * i), (i % 4) / 4]);
      const y = x.map(([a, b, c]) => [a - b + c > 0 ? 1 : 0]);
      const build = (ctx: InstanceType<typeof nn.Sequential>['context']) => {
        const model = new nn.Sequential([new nn.Dense({ units: 4, inputShape: [3], activation: 'tanh' }), new nn.Dense({ units: 1, activation: 'sigmoid' })]);
        model.compile({ loss: 'binaryCrossentropy', optimizer: new nn.Adam({ learningRate: 0.05 }), seed: 5, context: ctx! });
        return model;
      };
      const options = { epochs: 12, batchSize: 4, seed: 9 };
      const fresh = await nn.createContext({ device: await util.sharedDevice('raised') });
      fresh.setKernelVariant('fit', 'fused-small');
      const reference = build(fresh);
      await reference.fit(x, y, options);
      const expected = (await reference.getWeights()).map((w) => w.values).flatMap((w) => Array.from(w));
      reference.dispose();
      // A device that is destroyed right after its `lostAt`-th submit, and counts them.
      const countingDevice = async (lostAt: number) => {
        const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
        const submit = device.queue.submit.bind(device.queue);
        const counter = { device, submits: 0 };
        device.queue.submit = (buffers: Iterable<GPUCommandBuffer>) => {
          submit(buffers);
          if (++counter.submits === lostAt) device.destroy();
        };
        return counter;
      };
      // How many submits a whole recoverable fit makes (one per group and a few around them), so
      // that losing the device two thirds of the way in finds epochs kept.
      const counted = await countingDevice(Infinity);
      const countCtx = await nn.createContext({ device: counted.device });
      countCtx.setKernelVariant('fit', 'fused-small');
      const countModel = build(countCtx);
      await countModel.fit(x, y, { ...options, recoverable: true });
      const total = counted.submits;
      countModel.dispose();
      countCtx.destroy();
      const runs = [];
      // Without recoverable, a fit this short is one or two groups: lost at its first submit, nothing
      // is kept (at its last, the work is done before the loss shows).
      for (const [recoverable, submits] of [[true, Math.ceil((2 * total) / 3)], [false, 1], [true, 1]] as const) {
        const { device } = await countingDevice(submits);
        const doomed = await nn.createContext({ device });
        doomed.setKernelVariant('fit', 'fused-small');
        const model = build(doomed);
        const error = await model.fit(x, y, { ...options, recoverable }).then(() => null, (e: InstanceType<typeof nn.DeviceLostError>) => e);
        await model.useContext(fresh);
        await model.fit(x, y, { ...options, initialEpoch: error!.epoch! + 1 });
        const weights = (await model.getWeights()).map((w) => w.values).flatMap((w) => Array.from(w));
        runs.push({ recoverable, name: error?.name, epoch: error?.epoch, step: error?.step, historyEpochs: (error?.history as { epoch: number[] }).epoch, weights: util.compare(weights, expected, 1e-5, 1e-4) });
        model.dispose();
        doomed.destroy();
      }
      fresh.destroy();
      return runs;
    });
    for (const run of r) {
      expect(run.name).toBe('DeviceLostError');
      // The copy kept is of the last epoch reported; the steps done reach at least its end.
      expect(run.historyEpochs).toEqual(Array.from({ length: run.epoch! + 1 }, (_, i) => i));
      expect(run.step!).toBeGreaterThanOrEqual(3 * (run.epoch! + 1) - 1);
      expectClose(`resumed from epoch ${run.epoch} (recoverable: ${run.recoverable})`, run.weights);
    }
    // Recoverable keeps every epoch: two thirds of the way in it has kept more than none.
    expect(r[0].epoch!).toBeGreaterThanOrEqual(0);
    // Lost at the first submit: nothing was kept, the run starts over from the initial weights.
    expect(r[1].epoch).toBe(-1);
    expect(r[2].epoch).toBe(-1);
  });
});

describe('after a loss', () => {
  it('work in flight rejects with DeviceLostError; the lost tensors destroy; memory answers; the default context is replaced', async () => {
    const r = await gpu.run(async (nn) => {
      const device = await (await navigator.gpu.requestAdapter())!.requestDevice();
      const ctx = await nn.createContext({ device });
      nn.setDefaultContext(ctx);
      const x = ctx.tensor([[0, 1], [1, 0], [1, 1]]);
      const y = ctx.tensor([[1], [1], [0]]);
      const model = new nn.Sequential([new nn.Dense({ units: 1, inputShape: [2], activation: 'sigmoid' })]);
      model.compile({ loss: 'mse', optimizer: 'sgd', seed: 1 });
      await model.fit(x, y, { epochs: 2 });
      const trained = (await model.getWeights()).map((w) => w.values);
      const inFlight = [ctx.softmax(x).read(), model.predict(x).read(), model.evaluate(x, y), ctx.autotune('softmax', [64, 32], { force: true })];
      device.destroy();
      const settled = await Promise.allSettled(inFlight);
      await ctx.lost;
      const rejected = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => e.name);
      const later = {
        read: await rejected(x.read()),
        fit: await rejected(model.fit(x, y, { epochs: 1 })),
        predict: await rejected(Promise.resolve().then(() => model.predict([[1, 1]]))),
        autotune: await rejected(ctx.autotune('softmax', [64, 32])),
      };
      const before = ctx.memory();
      x.destroy();
      y.destroy();
      const after = ctx.memory();
      // The default context was lost: the next model without a context gets a new one.
      const other = new nn.Sequential([new nn.Dense({ units: 1, inputShape: [2] })]);
      await other.getWeights();
      const replacement = other.context!;
      // The model bound to the lost context moves to it with the weights fit kept.
      await model.useContext(replacement);
      const moved = (await model.getWeights()).map((w) => w.values);
      // A default context made automatically is replaced the same way when it is lost.
      replacement.device!.destroy();
      await replacement.lost;
      const third = new nn.Sequential([new nn.Dense({ units: 1, inputShape: [2] })]);
      await third.getWeights();
      const thirdContext = third.context!;
      const replacedAgain = thirdContext !== replacement && (await thirdContext.tensor([5]).read())[0] === 5;
      third.dispose();
      other.dispose();
      model.dispose();
      ctx.destroy();
      replacement.destroy();
      // The page is shared: destroyed, the last default context is dropped, so the files after
      // this one find no default context, as before it.
      thirdContext.destroy();
      const unbound = new nn.Sequential([new nn.Dense({ units: 1, inputShape: [2] })]);
      const noDefault = await Promise.resolve().then(() => unbound.predict([[1, 2]])).then(() => 'resolved', (e: Error) => e.name);
      return {
        inFlight: settled.map((s) => (s.status === 'rejected' ? (s.reason as Error).name : 'resolved')),
        later,
        tensors: [before.numTensors, after.numTensors],
        replaced: replacement !== ctx && replacement.backend === 'webgpu',
        replacedAgain,
        noDefault,
        moved: moved.map((w) => Array.from(w)),
        trained: trained.map((w) => Array.from(w)),
      };
    });
    expect(r.inFlight).toEqual(['DeviceLostError', 'DeviceLostError', 'DeviceLostError', 'DeviceLostError']);
    expect(r.later).toEqual({ read: 'DeviceLostError', fit: 'DeviceLostError', predict: 'DeviceLostError', autotune: 'DeviceLostError' });
    expect(r.tensors[0] - r.tensors[1]).toBe(2);
    expect(r.replaced).toBe(true);
    expect(r.replacedAgain).toBe(true);
    expect(r.noDefault).toBe('ModelStateError');
    expect(r.moved).toEqual(r.trained);
  });
});
