/**
 * Sequential on the cpu backend (the reference; the same code as the GPU's layer-wise path):
 * compile/fit/predict/evaluate, History, callbacks, validation split, weights and JSON, context
 * binding, every bad input fit and evaluate reject, TerminateOnNaN, dispose.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Activation,
  Adagrad,
  Adam,
  AdamW,
  ArgumentError,
  ContextMismatchError,
  Dense,
  Dropout,
  ModelFormatError,
  ModelStateError,
  NonFiniteLossError,
  RMSprop,
  SGD,
  Sequential,
  ShapeError,
  createContext,
  loadModel,
  setDefaultContext,
  type Context,
  type ModelArtifacts,
} from '../src/index';
import { applyDropout, dropoutHash, dropoutRule } from '../src/ops/training/reference';

let ctx: Context;
beforeAll(async () => {
  ctx = await createContext({ backend: 'cpu' });
  setDefaultContext(ctx);
});

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];

/** What model.save writes, caught by an IO handler. */
async function savedArtifacts(model: Sequential): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | null = null;
  await model.save({
    save: async (artifacts: ModelArtifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } };
    },
  });
  return saved!;
}
const Y = [[0], [1], [1], [0]];

function xorModel(): Sequential {
  return new Sequential([new Dense({ units: 2, inputShape: [2] }), new Activation('sigmoid'), new Dense({ units: 1 }), new Activation('sigmoid')]);
}

/** float64 forward pass of the XOR model from its weights. */
function xorForward(w: Float32Array[], x: number[]): number {
  const sig = (v: number) => 1 / (1 + Math.exp(-v));
  const h = [0, 1].map((j) => sig(x[0] * w[0][j] + x[1] * w[0][2 + j] + w[1][j]));
  return sig(h[0] * w[2][0] + h[1] * w[2][1] + w[3][0]);
}

describe('Sequential on the cpu backend', () => {
  it('trains XOR and returns one History number per epoch', async () => {
    const model = xorModel();
    model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 1 }), metrics: ['accuracy'], seed: 16, context: ctx });
    const history = await model.fit(X, Y, { epochs: 3000, batchSize: 4, seed: 1 });
    expect(history.loss).toHaveLength(3000);
    expect(history.accuracy).toHaveLength(3000);
    expect(history.history.loss).toBe(history.loss);
    expect(history.epoch[2999]).toBe(2999);
    expect(history.loss[2999]).toBeLessThan(history.loss[0]);
    const predictions = Array.from(await model.predict(X).read());
    const w = (await model.getWeights()).map((w) => w.values);
    // predict runs the same forward pass as a float64 evaluation of the weights (f32 storage: 1e-6).
    X.forEach((x, i) => expect(predictions[i]).toBeCloseTo(xorForward(w, x), 6));
    expect(predictions[0]).toBeLessThan(0.1);
    expect(predictions[1]).toBeGreaterThan(0.9);
    expect(predictions[2]).toBeGreaterThan(0.9);
    expect(predictions[3]).toBeLessThan(0.1);
    expect(history.accuracy![2999]).toBe(1);
    const result = await model.evaluate(X, Y);
    expect(Object.keys(result)).toEqual(['loss', 'accuracy']);
    const mse = X.reduce((a, x, i) => a + (predictions[i] - Y[i][0]) ** 2, 0) / 4;
    expect(result.loss).toBeCloseTo(mse, 6);
    model.dispose();
  });

  it('is reproducible: same seeds, same weights and history', async () => {
    const run = async () => {
      const model = xorModel();
      model.compile({ loss: 'mse', optimizer: 'sgd', seed: 5, context: ctx });
      const h = await model.fit(X, Y, { epochs: 20, batchSize: 3, seed: 9 });
      const w = (await model.getWeights()).map((w) => w.values);
      model.dispose();
      return { loss: h.loss, w: w.map((a) => Array.from(a)) };
    };
    expect(await run()).toEqual(await run());
  });

  it('holds out the last fraction for validation (before shuffling) and reports val_*', async () => {
    const x = Array.from({ length: 10 }, (_, i) => [i / 10, (i % 3) / 3]);
    const y = x.map(([a, b]) => [a + b > 0.6 ? 1 : 0]);
    const model = xorModel();
    model.compile({ loss: 'binaryCrossentropy', optimizer: new Adam({ learningRate: 0.05 }), metrics: ['accuracy'], seed: 2, context: ctx });
    const h = await model.fit(x, y, { epochs: 2, batchSize: 4, validationSplit: 0.3, seed: 3 });
    expect(Object.keys(h.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(h.params).toMatchObject({ samples: 7, validationSamples: 3, steps: 2, batchSize: 4 });
    // val_loss of the last epoch is the loss on the last 3 samples with the final weights.
    const onHeldOut = await model.evaluate(x.slice(7), y.slice(7));
    expect(h.val_loss![1]).toBeCloseTo(onHeldOut.loss, 6);
    expect(h.val_accuracy![1]).toBeCloseTo(onHeldOut.accuracy, 6);
    model.dispose();
  });

  it('calls onEpochEnd and onBatchEnd, and stops when stopTraining is set', async () => {
    const model = xorModel();
    model.compile({ loss: 'mse', optimizer: 'sgd', metrics: ['acc'], seed: 1, context: ctx });
    const epochs: number[] = [];
    const batches: { batch: number; keys: string[] }[] = [];
    const h = await model.fit(X, Y, {
      epochs: 10,
      batchSize: 3,
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          epochs.push(epoch);
          expect(Object.keys(logs)).toEqual(['loss', 'acc']);
          if (epoch === 2) model.stopTraining = true;
        },
        onBatchEnd: (batch, logs) => {
          batches.push({ batch, keys: Object.keys(logs) });
        },
      },
    });
    expect(epochs).toEqual([0, 1, 2]);
    expect(h.loss).toHaveLength(3);
    expect(batches.map((b) => b.batch)).toEqual([0, 1, 0, 1, 0, 1]);
    expect(batches[0].keys).toEqual(['loss', 'acc']);
    model.dispose();
  });

  it('uses all samples when batchSize exceeds them, and trains sparse labels given as numbers', async () => {
    const model = new Sequential([new Dense({ units: 3, inputShape: [2], activation: 'softmax' })]);
    model.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'], seed: 1, context: ctx });
    const h = await model.fit(X, [0, 1, 2, 1], { epochs: 2, batchSize: 100 });
    expect(h.params.batchSize).toBe(4);
    expect(h.params.steps).toBe(1);
    const h2 = await model.fit(X, [[0], [1], [2], [1]], { epochs: 1 });
    expect(h2.loss[0]).toBeGreaterThan(0);
    model.dispose();
  });

  it('round-trips weights exactly through setWeights and serialize / deserialize', async () => {
    const model = xorModel();
    model.compile({ loss: 'mse', optimizer: 'sgd', seed: 3, context: ctx });
    await model.fit(X, Y, { epochs: 5, batchSize: 2 });
    const weights = (await model.getWeights()).map((w) => w.values);
    expect(weights.map((w) => w.length)).toEqual([4, 2, 2, 1]);
    const special = weights.map((w) => w.slice());
    special[1][0] = NaN;
    special[1][1] = -0;
    special[3][0] = 1e-45;
    model.setWeights(special);
    const copy = Sequential.deserialize(await model.serialize());
    expect(copy.summary()).toBe(model.summary());
    expect(copy.layers.map((l) => l.name)).toEqual(['dense_1', 'activation_1', 'dense_2', 'activation_2']);
    const bits = (ws: Float32Array[]) => ws.map((w) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length)));
    expect(bits((await copy.getWeights()).map((w) => w.values))).toEqual(bits(special));
    model.setWeights(weights);
    copy.setWeights(weights);
    expect(Array.from(await copy.predict(X).read())).toEqual(Array.from(await model.predict(X).read()));
    expect(() => model.setWeights(weights.slice(1))).toThrow(ShapeError);
    expect(() => model.setWeights([weights[0], new Float32Array(3), weights[2], weights[3]])).toThrow(/setWeights: weights\[1\] \(dense_1\/bias\) must have 2 values for shape \[2\], got 3/);
    // A bad layer config names the call and the layer entry, not the layer constructor.
    const artifacts = await model.serialize();
    const topology = structuredClone(artifacts.modelTopology) as { config: { layers: { config: Record<string, unknown> }[] } };
    topology.config.layers[0].config.units = 0;
    expect(() => Sequential.deserialize({ ...artifacts, modelTopology: topology })).toThrow(
      new ModelFormatError('deserialize', "modelTopology.config.layers[0] (Dense 'dense_1'): units must be a positive integer, got 0"),
    );
    for (const m of [model, copy]) m.dispose();
  });

  it('keeps the optimizer state across fit calls (Adam continues its steps); compile resets it', async () => {
    const run = async (splits: number[], recompile = false) => {
      const model = xorModel();
      model.compile({ loss: 'mse', optimizer: new Adam({ learningRate: 0.05 }), seed: 4, context: ctx });
      for (const epochs of splits) {
        await model.fit(X, Y, { epochs, batchSize: 2, shuffle: false });
        if (recompile) model.compile({ loss: 'mse', optimizer: new Adam({ learningRate: 0.05 }), context: ctx });
      }
      const w = (await model.getWeights()).map((w) => w.values).map((a) => Array.from(a));
      model.dispose();
      return w;
    };
    const once = await run([5]);
    expect(await run([2, 3])).toEqual(once);
    expect(await run([2, 3], true)).not.toEqual(once);
  });

  it('compile with a seed gives reproducible weights; Keras order is kernel [in, out] then bias', async () => {
    const a = xorModel();
    const b = xorModel();
    a.compile({ loss: 'mse', optimizer: 'sgd', seed: 42, context: ctx });
    b.compile({ loss: 'mse', optimizer: 'sgd', seed: 42, context: ctx });
    const wa = (await a.getWeights()).map((w) => w.values);
    expect(wa.map((w) => Array.from(w))).toEqual((await b.getWeights()).map((w) => w.values).map((w) => Array.from(w)));
    expect(Array.from(wa[1])).toEqual([0, 0]);
    a.dispose();
    b.dispose();
  });

  it('takes a loss object with fromLogits; a cross-entropy on an unbounded output says what to do', async () => {
    const linear = new Sequential([new Dense({ units: 3, inputShape: [2] })]);
    linear.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd', context: ctx });
    const y3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]];
    const message = "fit: loss 'categoricalCrossentropy' takes probabilities, but the output layer's activation is 'linear' (unbounded): add a softmax activation to the output layer, or compile with loss: { name: 'categoricalCrossentropy', fromLogits: true }";
    await expect(linear.fit(X, y3)).rejects.toThrow(new ArgumentError('fit', message.slice(5)));
    await expect(linear.evaluate(X, y3)).rejects.toThrow(/evaluate: loss 'categoricalCrossentropy' takes probabilities/);
    linear.compile({ loss: 'binaryCrossentropy', optimizer: 'sgd' });
    await expect(linear.fit(X, y3)).rejects.toThrow(/add a sigmoid activation to the output layer, or compile with loss: \{ name: 'binaryCrossentropy', fromLogits: true \}/);
    linear.compile({ loss: { name: 'categoricalCrossentropy', fromLogits: true }, optimizer: 'sgd' });
    const h = await linear.fit(X, y3, { epochs: 2 });
    expect(h.loss.every(Number.isFinite)).toBe(true);
    expect(() => linear.compile({ loss: { name: 'mse', fromLogits: true } })).toThrow(new ArgumentError('compile', "loss.fromLogits applies to the cross-entropy losses, got it with 'meanSquaredError'"));
    expect(() => linear.compile({ loss: { name: 'hinge' } as never })).toThrow(/compile: loss.name must be 'mse'/);
    expect(() => linear.compile({ loss: { name: 'binaryCrossentropy', from_logits: true } as never })).toThrow("compile: unknown option in loss: 'from_logits' (webgpu-nn calls it 'fromLogits')");
    expect(() => linear.compile({ loss: { name: 'binaryCrossentropy', fromLogits: 1 } as never })).toThrow('compile: loss.fromLogits must be a boolean, got 1');
    linear.dispose();
  });

  it('records several metrics under the names given; evaluate computes them from the predictions', async () => {
    const model = new Sequential([new Dense({ units: 4, inputShape: [2], activation: 'tanh' }), new Dense({ units: 3, activation: 'softmax' })]);
    const names = ['accuracy', 'mae', 'mean_squared_error', 'binaryAccuracy'] as const;
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: [...names], seed: 3, context: ctx });
    const y3 = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]];
    const logs: Record<string, number>[] = [];
    const h = await model.fit(X, y3, { epochs: 3, batchSize: 2, validationSplit: 0.25, callbacks: { onEpochEnd: (_e, l) => void logs.push(l) } });
    expect(Object.keys(h.history).sort()).toEqual(['loss', ...names, 'val_loss', ...names.map((n) => `val_${n}`)].sort());
    expect(logs[2]).toEqual(Object.fromEntries(Object.entries(h.history).map(([k, v]) => [k, v[2]])));
    // The softmax runs inside the loss; the metrics still see probabilities.
    const p = Array.from(await model.predict(X).read());
    const t = y3.flat();
    const mean = (f: (i: number) => number, n: number) => Array.from({ length: n }, (_, i) => f(i)).reduce((a, b) => a + b, 0) / n;
    const argmax = (row: number[]) => row.indexOf(Math.max(...row));
    const expected = {
      accuracy: mean((r) => (argmax(p.slice(3 * r, 3 * r + 3)) === argmax(t.slice(3 * r, 3 * r + 3)) ? 1 : 0), 4),
      mae: mean((i) => Math.abs(p[i] - t[i]), 12),
      mean_squared_error: mean((i) => (p[i] - t[i]) ** 2, 12),
      binaryAccuracy: mean((i) => ((p[i] > 0.5 ? 1 : 0) === t[i] ? 1 : 0), 12),
    };
    const result = await model.evaluate(X, y3);
    for (const n of names) expect(result[n], n).toBeCloseTo(expected[n], 6);
    expect(() => model.compile({ loss: 'mse', metrics: ['accuracy', 'mae', 'mse', 'acc', 'binaryAccuracy'] })).toThrow(new ArgumentError('compile', 'metrics: at most 4 metrics, got 5'));
    expect(() => model.compile({ loss: 'mse', metrics: ['mae', 'mae'] })).toThrow("compile: metrics[1]: 'mae' is given twice");
    expect(() => model.compile({ loss: 'mse', metrics: ['f1' as never] })).toThrow(/^compile: metrics\[0\] must be one of 'accuracy', 'acc', 'binaryAccuracy'/);
    model.compile({ loss: 'categoricalCrossentropy', metrics: ['sparseCategoricalAccuracy'] });
    await expect(model.fit(X, y3)).rejects.toThrow(/fit: metric 'sparseCategoricalAccuracy' takes class-index targets/);
    model.dispose();
  });

  it('Dropout: the counter hash drops about `rate` of the elements, scales the rest, and is off in predict and evaluate', async () => {
    const mask = { seed: 9, step: 3, ...dropoutRule(0.25) };
    const kept = applyDropout(new Float32Array(4000).fill(1), mask);
    const dropped = kept.filter((v) => v === 0).length;
    expect(dropped / 4000).toBeGreaterThan(0.22);
    expect(dropped / 4000).toBeLessThan(0.28);
    expect(kept.every((v) => v === 0 || v === Math.fround(1 / 0.75))).toBe(true);
    // The same (seed, step, element) gives the same mask; another step or seed another one.
    expect(applyDropout(new Float32Array(64).fill(1), mask)).toEqual(kept.subarray(0, 64));
    expect(applyDropout(new Float32Array(64).fill(1), { ...mask, step: 4 })).not.toEqual(kept.subarray(0, 64));
    expect(applyDropout(new Float32Array(64).fill(1), { ...mask, seed: 10 })).not.toEqual(kept.subarray(0, 64));
    // Known values of the hash (computed apart, in Python), which shaders/parts/dropout.wgsl reproduces on the GPU paths.
    expect([dropoutHash(0, 0, 0), dropoutHash(1, 2, 3), dropoutHash(0xffffffff, 7, 1000)]).toEqual([0, 1066372762, 3629125284]);

    const build = () => new Sequential([new Dense({ units: 4, inputShape: [2], activation: 'relu' }), new Dropout({ rate: 0.5, seed: 1 }), new Dense({ units: 1 })]);
    const withDropout = build();
    const plain = new Sequential([new Dense({ units: 4, inputShape: [2], activation: 'relu' }), new Dense({ units: 1 })]);
    for (const m of [withDropout, plain]) m.compile({ loss: 'mse', optimizer: 'sgd', seed: 4, context: ctx });
    expect(Array.from(await withDropout.predict(X).read())).toEqual(Array.from(await plain.predict(X).read()));
    expect(await withDropout.evaluate(X, Y)).toEqual(await plain.evaluate(X, Y));
    expect(withDropout.summary({ print: false })).toMatch(/dropout_1 \(Dropout\) +\(None, 4\) +0 /);
    // Training applies it: the two models' first steps differ, and the run is reproducible.
    await withDropout.fit(X, Y, { epochs: 2, batchSize: 2, seed: 1 });
    await plain.fit(X, Y, { epochs: 2, batchSize: 2, seed: 1 });
    const again = build();
    again.compile({ loss: 'mse', optimizer: 'sgd', seed: 4, context: ctx });
    await again.fit(X, Y, { epochs: 2, batchSize: 2, seed: 1 });
    expect(await again.getWeights()).toEqual(await withDropout.getWeights());
    expect(await plain.getWeights()).not.toEqual(await withDropout.getWeights());
    const loaded = await loadModel(await savedArtifacts(withDropout), { context: ctx });
    expect(loaded.layers[1]).toBeInstanceOf(Dropout);
    expect((loaded.layers[1] as Dropout).getConfig()).toEqual({ rate: 0.5, seed: 1, name: 'dropout_1' });
    for (const m of [withDropout, plain, again, loaded]) m.dispose();
    expect(() => new Dropout({ rate: 1 })).toThrow(new ArgumentError('Dropout', 'rate must be a number in [0, 1), got 1'));
    expect(() => new Dropout({ rate: 0.1, seed: -1 })).toThrow(/^Dropout: seed must be an integer in \[0, 2\^32\)/);
    expect(() => new Dropout({ rate: 0.1, noiseShape: [1] } as never)).toThrow("Dropout: unknown option 'noiseShape': noiseShape is not supported");
    expect(new Dropout({ rate: 0.1 }).seed).toBeGreaterThanOrEqual(0);
  });

  it('saves and loads elu, softplus, the new optimizers, losses on logits and several metrics', async () => {
    const optimizers = [new AdamW({ learningRate: 0.01, weightDecay: 0.1 }), new RMSprop({ rho: 0.8, momentum: 0.5, centered: true }), new Adagrad({ initialAccumulatorValue: 0.2 })];
    for (const optimizer of optimizers) {
      const model = new Sequential([new Dense({ units: 3, inputShape: [2], activation: 'elu', alpha: 0.5 }), new Dense({ units: 2, activation: 'softplus' }), new Dense({ units: 2 })]);
      model.compile({ loss: { name: 'categoricalCrossentropy', fromLogits: true }, optimizer, metrics: ['accuracy', 'mae'], context: ctx });
      const loaded = await loadModel(await savedArtifacts(model), { context: ctx });
      expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
      expect(Array.from(await loaded.predict(X).read())).toEqual(Array.from(await model.predict(X).read()));
      expect(await loaded.evaluate(X, [[1, 0], [0, 1], [1, 0], [0, 1]])).toEqual(await model.evaluate(X, [[1, 0], [0, 1], [1, 0], [0, 1]]));
      for (const m of [model, loaded]) m.dispose();
    }
  });

  it('rejects bad input with typed errors that name the argument', async () => {
    const model = xorModel();
    await expect(model.fit(X, Y)).rejects.toThrow(ModelStateError);
    await expect(model.fit(X, Y)).rejects.toThrow('fit: compile the model before fit');
    expect(() => model.compile({ loss: 'hinge' as never })).toThrow(/compile: loss must be 'mse'/);
    expect(() => model.compile({ loss: 'mse', optimizer: 'nadam' as never })).toThrow(/compile: optimizer must be one of 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'/);
    model.compile({ loss: 'mse', optimizer: 'sgd', seed: 1, context: ctx });
    await expect(model.fit(X, Y.slice(1))).rejects.toThrow(new ShapeError('fit', 'x has 4 samples but y has 3'));
    await expect(model.fit(X, [[0, 1], [1, 0], [1, 1], [0, 0]])).rejects.toThrow(/fit: y has shape \[4, 2\], but the last layer outputs \(None, 1\)/);
    await expect(model.fit([[0, 0, 1]], [[0]])).rejects.toThrow(/fit: x has 3 features per sample, but the model's input shape is \[2\]/);
    await expect(model.fit(X, Y, { batchSize: 0 })).rejects.toThrow(new ArgumentError('fit', 'batchSize must be an integer >= 1, got 0'));
    await expect(model.fit(X, Y, { batchSize: 1.5 })).rejects.toThrow(ArgumentError);
    await expect(model.fit([[0, 0], [0, NaN], [1, 0], [1, 1]], Y)).rejects.toThrow(/fit: x\[1\]\[1\] is NaN; x must hold finite numbers/);
    await expect(model.fit(ctx.tensor([[0, 0], [0, 1], [Infinity, 0], [1, 1]]), Y)).rejects.toThrow(/fit: x\[2\]\[0\] = Infinity is not a finite number/);
    await expect(model.fit(X, Y, { validationSplit: 1 })).rejects.toThrow(/validationSplit must be a number in \[0, 1\)/);
    await expect(model.fit(X, Y, { validationSplit: 0.8 })).rejects.toThrow(/fit: validationSplit 0.8 leaves no training samples out of 4/);
    await expect(model.evaluate(X, Y.slice(2))).rejects.toThrow(ShapeError);
    const sparse = new Sequential([new Dense({ units: 3, inputShape: [2], activation: 'softmax' })]);
    sparse.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd', context: ctx });
    await expect(sparse.fit(X, [0, 1, 3, 1])).rejects.toThrow(/fit: y\[2\] = 3 is not a class index in 0..2/);
    await expect(sparse.fit(X, ctx.tensor(new Int32Array([0, -1, 2, 1])))).rejects.toThrow(/fit: y\[1\] = -1 is not a class index in 0..2/);
    model.dispose();
    sparse.dispose();
  });

  it('checks the values of a tensor once per kind of check', async () => {
    // Three classes: the labels are checked against 0..2 and found valid.
    const three = new Sequential([new Dense({ units: 3, inputShape: [2], activation: 'softmax' })]);
    three.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd', seed: 1, context: ctx });
    const x = ctx.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const labels = ctx.tensor(new Int32Array([0, 1, 2, 1]));
    await three.fit(x, labels, { epochs: 1 });
    // Valid for three classes is not valid for two: that check runs.
    const two = new Sequential([new Dense({ units: 2, inputShape: [2], activation: 'softmax' })]);
    two.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd', seed: 1, context: ctx });
    await expect(two.fit(x, labels)).rejects.toThrow(/fit: y\[2\] = 2 is not a class index in 0..1/);
    // x was found finite: a tensor never changes after it is made, so the next fit does not scan
    // it again. Changing its storage behind the library's back shows that: the NaN now reaches
    // the loss instead of the argument check.
    (x.storage!.data as Float32Array)[2] = NaN;
    await expect(three.fit(x, labels, { epochs: 1 })).rejects.toThrow(NonFiniteLossError);
    // A new tensor with the same values is checked.
    await expect(three.fit(ctx.tensor(x.storage!.data as Float32Array, [4, 2]), labels)).rejects.toThrow(/fit: x\[1\]\[0\] = NaN is not a finite number/);
    for (const t of [x, labels]) t.destroy();
    three.dispose();
    two.dispose();
  });

  it('stops on a non-finite loss before applying that update (TerminateOnNaN)', async () => {
    // The first sample's update sends the weights to ~1e38 (finite); the second sample's loss
    // then overflows. Training must stop there and keep the weights after the first update.
    const x = [[1e10, 1e10], [1, 1]];
    const y = [[1], [1]];
    const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 1e18 }), seed: 1, context: ctx });
    const error = await model.fit(x, y, { epochs: 20, batchSize: 1, shuffle: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteLossError);
    const e = error as NonFiniteLossError;
    expect([e.epoch, e.batch]).toEqual([0, 1]);
    expect(e.message).toBe('fit: the loss became NaN or infinite at epoch 1 (batch 2); training stopped and the weights are those from before that batch');
    const oneStep = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
    oneStep.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 1e18 }), seed: 1, context: ctx });
    await oneStep.fit(x.slice(0, 1), y.slice(0, 1), { epochs: 1, batchSize: 1 });
    const weights = (await model.getWeights()).map((w) => w.values);
    expect(weights.every((w) => w.every(Number.isFinite))).toBe(true);
    expect(weights.map((w) => Array.from(w))).toEqual((await oneStep.getWeights()).map((w) => w.values).map((w) => Array.from(w)));
    model.dispose();
    oneStep.dispose();
  });

  it('binds to one context: compile(context), else the tensors, else the default', async () => {
    const other = await createContext({ backend: 'cpu' });
    const model = xorModel();
    model.compile({ loss: 'mse', optimizer: 'sgd', context: ctx });
    expect(model.context).toBe(ctx);
    expect(() => model.predict(other.tensor(X))).toThrow(ContextMismatchError);
    await expect(model.fit(other.tensor(X), other.tensor(Y))).rejects.toThrow(ContextMismatchError);
    await expect(model.fit(ctx.tensor(X), other.tensor(Y))).rejects.toThrow(ContextMismatchError);
    const byTensor = xorModel();
    byTensor.compile({ loss: 'mse', optimizer: 'sgd' });
    byTensor.predict(other.tensor(X)).destroy();
    expect(byTensor.context).toBe(other);
    const byDefault = xorModel();
    expect(byDefault.predict(X).shape).toEqual([4, 1]);
    expect(byDefault.context).toBe(ctx);
    for (const m of [model, byTensor, byDefault]) m.dispose();
    other.destroy();
  });

  it('keeps its weights when it binds inside ctx.tidy (ctx.keep)', async () => {
    const kept = ctx.tidy(() => ctx.keep(ctx.tensor([1, 2])));
    expect(kept.destroyed).toBe(false);
    const model = xorModel();
    model.compile({ loss: 'mse', optimizer: 'sgd', seed: 1 });
    // The model binds (uploading its weights) inside the scope; only the prediction is returned.
    const y = ctx.tidy(() => model.predict(ctx.tensor(X)));
    expect(Array.from(await model.predict(X).read())).toEqual(Array.from(await y.read()));
    expect((await model.getWeights()).map((w) => w.values).map((w) => w.length)).toEqual([4, 2, 2, 1]);
    model.dispose();
    kept.destroy();
  });

  it('infers the input shape from the data when the first layer has none', async () => {
    const model = new Sequential([new Dense({ units: 3, activation: 'relu' }), new Dense({ units: 1 })]);
    expect(() => model.summary()).toThrow(ModelStateError);
    model.compile({ loss: 'mse', optimizer: 'sgd', context: ctx });
    await model.fit([[1, 2, 3, 4]], [[1]]);
    expect(model.summary()).toContain('dense_1 (Dense)              (None, 3)                 15');
    model.dispose();
  });

  it.each([true, false])('verbose 1 in Node: a live Keras progress bar in a terminal (isTTY %s), else one line per epoch', async (tty) => {
    const model = xorModel();
    model.compile({ loss: 'mse', optimizer: 'sgd', metrics: ['accuracy'], context: ctx });
    const out: string[] = [];
    const write = process.stdout.write;
    const isTTY = process.stdout.isTTY;
    process.stdout.write = ((s: string) => (out.push(s), true)) as typeof process.stdout.write;
    process.stdout.isTTY = tty;
    try {
      await model.fit(X, Y, { epochs: 2, batchSize: 2, verbose: 1 });
    } finally {
      process.stdout.write = write;
      process.stdout.isTTY = isTTY;
    }
    const text = out.join('');
    if (tty) {
      const bar = String.raw`2/2 \[==============================\] - \d+s \d+[mu]s\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}\x1b\[K\n`;
      const step = String.raw`\r1/2 \[==============>\.{15}\] - loss: \d\.\d{4} - accuracy: \d\.\d{4}\x1b\[K\r2/2 \[={30}\] - loss: \d\.\d{4} - accuracy: \d\.\d{4}\x1b\[K\r`;
      expect(text).toMatch(new RegExp(`^Epoch 1/2\n0/2 \\[>\\.{29}\\]${step}${bar}Epoch 2/2\n`));
    } else {
      expect(text).toMatch(/^Epoch 1\/2 - 2\/2 - \d+s \d+[mu]s\/step - loss: \d\.\d{4} - accuracy: \d\.\d{4}\nEpoch 2\/2 - /);
    }
    model.dispose();
  });

  it('frees every tensor it holds on dispose', async () => {
    const start = ctx.memory().tensors;
    const model = xorModel();
    model.compile({ loss: 'mse', optimizer: 'adam', context: ctx });
    await model.fit(X, Y, { epochs: 2, batchSize: 2, validationSplit: 0.5 });
    model.predict(X).destroy();
    await model.evaluate(X, Y);
    expect(ctx.memory().tensors).toBeGreaterThan(start);
    model.dispose();
    expect(ctx.memory().tensors).toBe(start);
    expect(() => model.predict(X)).toThrow(new ModelStateError('predict', 'the model was disposed'));
  });
});
