/**
 * Saving and loading in the TF.js Layers format, on the cpu backend: memory and file-path round
 * trips, TF.js -> webgpu-nn and webgpu-nn -> TF.js for every activation and optimizer
 * configuration (TF.js on its cpu backend), the Keras 2 and Keras 3 fixtures, one test per bad
 * file, and the saved size of a 784-256-10 model.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  Activation,
  Adam,
  Dense,
  Flatten,
  InputLayer,
  ModelFormatError,
  ModelIOError,
  ModelStateError,
  SGD,
  Sequential,
  createContext,
  loadModel,
  type ActivationName,
  type Context,
  type ModelArtifacts,
  type Optimizer,
} from '../src/index';

const FIXTURES = resolve(__dirname, 'fixtures');
let ctx: Context;
let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  ctx = await createContext({ backend: 'cpu' });
  dir = mkdtempSync(join(tmpdir(), 'webgpu-nn-io-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  ctx.destroy();
});

/** Deterministic inputs: rows x cols in [-2, 2). */
function inputs(rows: number, cols: number, seed = 1): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Math.sin(seed * 12.9898 + i * 78.233 + j * 37.719) * 2));
}

function expectMatch(actual: ArrayLike<number>, reference: ArrayLike<number>, label: string): void {
  expect(actual.length, label).toBe(reference.length);
  const bad: string[] = [];
  for (let i = 0; i < reference.length; i++) {
    if (!(Math.abs(actual[i] - reference[i]) <= 1e-5 + 1e-4 * Math.abs(reference[i]))) bad.push(`[${i}] ${actual[i]} vs ${reference[i]}`);
  }
  expect(bad, label).toEqual([]);
}

async function tfjsArtifacts(model: tf.LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts as ModelArtifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  return saved!;
}

const X = inputs(6, 3);
const Y_CLASSES = X.map((row) => (row[0] + row[1] > 0 ? [1, 0] : [0, 1]));

/** webgpu-nn's activations, each as TF.js builds it (a leakyRelu is TF.js's LeakyReLU layer). */
const ACTIVATIONS: { label: string; name: ActivationName; tfjs: () => tf.layers.Layer; alpha?: number; approximate?: boolean }[] = [
  { label: 'linear', name: 'linear', tfjs: () => tf.layers.activation({ activation: 'linear' }) },
  { label: 'sigmoid', name: 'sigmoid', tfjs: () => tf.layers.activation({ activation: 'sigmoid' }) },
  { label: 'relu', name: 'relu', tfjs: () => tf.layers.activation({ activation: 'relu' }) },
  { label: 'tanh', name: 'tanh', tfjs: () => tf.layers.activation({ activation: 'tanh' }) },
  { label: 'softmax', name: 'softmax', tfjs: () => tf.layers.activation({ activation: 'softmax' }) },
  { label: 'leakyRelu', name: 'leakyRelu', alpha: 0.15, tfjs: () => tf.layers.leakyReLU({ alpha: 0.15 }) },
  { label: 'gelu', name: 'gelu', approximate: false, tfjs: () => tf.layers.activation({ activation: 'gelu' }) },
  // TF.js's 'gelu_new' is the tanh form.
  { label: 'gelu approximate', name: 'gelu', approximate: true, tfjs: () => tf.layers.activation({ activation: 'gelu_new' }) },
  { label: 'swish', name: 'swish', tfjs: () => tf.layers.activation({ activation: 'swish' }) },
];

/** Every optimizer configuration, in webgpu-nn and in TF.js, with the TF.js class it saves as. */
const OPTIMIZERS: { label: string; ours: () => Optimizer; tfjs: () => tf.Optimizer; className: string; config: Record<string, unknown> }[] = [
  { label: 'SGD', ours: () => new SGD({ learningRate: 0.05 }), tfjs: () => tf.train.sgd(0.05), className: 'SGD', config: { learningRate: 0.05 } },
  { label: 'SGD momentum', ours: () => new SGD({ learningRate: 0.05, momentum: 0.8 }), tfjs: () => tf.train.momentum(0.05, 0.8), className: 'Momentum', config: { learningRate: 0.05, momentum: 0.8, useNesterov: false } },
  { label: 'SGD nesterov', ours: () => new SGD({ learningRate: 0.05, momentum: 0.8, nesterov: true }), tfjs: () => tf.train.momentum(0.05, 0.8, true), className: 'Momentum', config: { learningRate: 0.05, momentum: 0.8, useNesterov: true } },
  { label: 'Adam', ours: () => new Adam({ learningRate: 0.01, beta1: 0.85, beta2: 0.995, epsilon: 1e-6 }), tfjs: () => tf.train.adam(0.01, 0.85, 0.995, 1e-6), className: 'Adam', config: { learningRate: 0.01, beta1: 0.85, beta2: 0.995, epsilon: 1e-6 } },
];

describe('TF.js -> webgpu-nn', () => {
  it.each(ACTIVATIONS)('a TF.js model with $label trained and saved loads with the same predictions', async ({ name, tfjs, approximate }) => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 5, inputShape: [3], activation: 'tanh' }));
    model.add(tf.layers.dense({ units: 2 }));
    model.add(tfjs());
    model.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.1) });
    await model.fit(tf.tensor2d(X), tf.tensor2d(Y_CLASSES), { epochs: 2, batchSize: 3, verbose: 0 });
    const reference = (model.predict(tf.tensor2d(X)) as tf.Tensor).dataSync();
    const loaded = await loadModel(await tfjsArtifacts(model), { context: ctx });
    // The activation layer is fused into the Dense before it (for leakyRelu, TF.js's separate layer).
    const last = loaded.layers[loaded.layers.length - 1];
    if (name === 'leakyRelu') expect(last).toMatchObject({ className: 'Dense', activation: 'leakyRelu', alpha: 0.15 });
    else expect(last).toMatchObject({ className: 'Activation', activation: name });
    if (approximate !== undefined) expect(last.getConfig()).toMatchObject({ approximate });
    expectMatch(await loaded.predict(X).read(), reference, name);
    loaded.dispose();
    model.dispose();
  });

  it.each(OPTIMIZERS)('compiles from the trainingConfig of a TF.js model trained with $label', async ({ tfjs, ours }) => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });
    model.compile({ loss: 'categoricalCrossentropy', optimizer: tfjs(), metrics: ['accuracy'] });
    await model.fit(tf.tensor2d(X), tf.tensor2d(Y_CLASSES), { epochs: 2, batchSize: 3, verbose: 0 });
    const artifacts = await tfjsArtifacts(model);
    // TF.js saves the optimizer's state too (group 'optimizer'): loading skips it.
    expect(artifacts.weightSpecs!.some((s) => s.group === 'optimizer')).toBe(true);
    const loaded = await loadModel(artifacts, { context: ctx });
    expect(loaded.loadInfo).toEqual({ compiled: true, reason: null });
    const optimizer = loaded.core.compiled!.optimizer;
    expect(optimizer.getConfig()).toEqual(ours().getConfig());
    expect(loaded.core.compiled!.loss).toBe('categoricalCrossentropy');
    expectMatch(await loaded.predict(X).read(), (model.predict(tf.tensor2d(X)) as tf.Tensor).dataSync(), 'predict');
    // It trains from there.
    await loaded.fit(X, Y_CLASSES, { epochs: 1 });
    loaded.dispose();
    model.dispose();
  });
});

describe('webgpu-nn -> TF.js', () => {
  async function roundTrip(model: Sequential): Promise<tf.LayersModel> {
    const artifacts = await model.serialize();
    // Through JSON, as a file would carry it.
    const json = JSON.parse(JSON.stringify({ ...artifacts, weightData: undefined }));
    return tf.loadLayersModel(tf.io.fromMemory({ ...json, weightData: artifacts.weightData }));
  }

  // TF.js 4 cannot read 'gelu_new' back, even from files it wrote itself (it looks the name up as
  // 'geluNew'): the tanh form is checked against TF.js's own file below instead.
  it.each(ACTIVATIONS.filter((a) => !a.approximate))('a webgpu-nn model with $label trained here loads in TF.js with the same predictions', async ({ name, alpha, approximate }) => {
    const parameter = { ...(alpha ? { alpha } : {}), ...(approximate ? { approximate } : {}) };
    const model = new Sequential([new Dense({ units: 5, inputShape: [3], activation: name, ...parameter }), new Dense({ units: 2 }), new Activation({ activation: name, ...parameter })]);
    model.compile({ loss: 'mse', optimizer: 'sgd', seed: 5, context: ctx });
    await model.fit(X, Y_CLASSES, { epochs: 2, batchSize: 3 });
    const tfModel = await roundTrip(model);
    expectMatch((tfModel.predict(tf.tensor2d(X)) as tf.Tensor).dataSync(), await model.predict(X).read(), name);
    tfModel.dispose();
    model.dispose();
  });

  it("gelu's tanh form saves as TF.js writes it ('gelu_new', on the Dense and on the Activation layer) and reads back with the same predictions", async () => {
    const model = new Sequential([new Dense({ units: 5, inputShape: [3], activation: 'gelu', approximate: true }), new Dense({ units: 2 }), new Activation({ activation: 'gelu', approximate: true })]);
    model.compile({ loss: 'mse', optimizer: 'sgd', seed: 5, context: ctx });
    await model.fit(X, Y_CLASSES, { epochs: 2, batchSize: 3 });
    const tfModel = tf.sequential({ layers: [tf.layers.dense({ units: 5, inputShape: [3], activation: 'gelu_new' }), tf.layers.dense({ units: 2 }), tf.layers.activation({ activation: 'gelu_new' })] });
    const activations = (a: ModelArtifacts) => JSON.stringify(a.modelTopology).match(/"activation":"\w+"/g);
    const ours = await model.serialize();
    expect(activations(ours)).toEqual(activations(await tfjsArtifacts(tfModel)));
    expect(activations(ours)).toEqual(['"activation":"gelu_new"', '"activation":"linear"', '"activation":"gelu_new"']);
    const loaded = await loadModel(ours, { context: ctx });
    expect(loaded.layers.map((l) => l.getConfig())).toMatchObject([{ activation: 'gelu', approximate: true }, { activation: 'linear' }, { activation: 'gelu', approximate: true }]);
    expectMatch(await loaded.predict(X).read(), await model.predict(X).read(), 'gelu approximate');
    for (const m of [loaded, model]) m.dispose();
    tfModel.dispose();
  });

  it.each(OPTIMIZERS)('TF.js compiles a saved model with $label as configured', async ({ ours, className, config }) => {
    const model = new Sequential([new InputLayer({ inputShape: [3] }), new Dense({ units: 2, activation: 'softmax' })]);
    model.compile({ loss: 'categoricalCrossentropy', optimizer: ours(), metrics: ['accuracy'], seed: 2, context: ctx });
    await model.fit(X, Y_CLASSES, { epochs: 2, batchSize: 3 });
    const tfModel = await roundTrip(model);
    expect(tfModel.optimizer.getClassName()).toBe(className);
    expect(tfModel.optimizer.getConfig()).toEqual(config);
    expect(tfModel.loss).toBe('categoricalCrossentropy');
    expectMatch((tfModel.predict(tf.tensor2d(X)) as tf.Tensor).dataSync(), await model.predict(X).read(), 'predict');
    tfModel.dispose();
    model.dispose();
  });
});

describe('fixtures', () => {
  function fixture(name: string) {
    return JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8')) as { inputs: number[][]; outputs: number[][] };
  }

  it('Keras 2 (batch_input_shape, two shards, LeakyReLU, training_config): TF.js and webgpu-nn give the outputs the fixture records', async () => {
    const path = join(FIXTURES, 'keras2-mlp');
    const { inputs: x, outputs } = fixture('keras2-mlp');
    const json = JSON.parse(readFileSync(join(path, 'model.json'), 'utf8'));
    const data = Buffer.concat(json.weightsManifest[0].paths.map((p: string) => readFileSync(join(path, p))));
    const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights, weightData: new Uint8Array(data).buffer }));
    expectMatch((tfModel.predict(tf.tensor2d(x)) as tf.Tensor).dataSync(), outputs.flat(), 'TF.js');
    const model = await loadModel(join(path, 'model.json'), { context: ctx });
    expect(model.layers.map((l) => `${l.className} ${l.name}`)).toEqual(['InputLayer dense_input', 'Dense dense', 'Dense dense_1', 'Dense dense_2']);
    expect(model.layers[2]).toMatchObject({ activation: 'leakyRelu', alpha: Math.fround(0.3) });
    expect(model.loadInfo).toEqual({ compiled: true, reason: null });
    expect(model.core.compiled!.optimizer.getConfig()).toEqual({ learningRate: Math.fround(0.002), beta1: Math.fround(0.9), beta2: Math.fround(0.999), epsilon: 1e-7 });
    expectMatch(await model.predict(x).read(), outputs.flat(), 'webgpu-nn');
    tfModel.dispose();
    model.dispose();
  });

  it('Keras 3 (batch_shape, DTypePolicy, module/registered_name): webgpu-nn gives the hand-computed outputs', async () => {
    const { inputs: x, outputs } = fixture('keras3-tiny');
    const model = await loadModel(pathToFileURL(join(FIXTURES, 'keras3-tiny', 'model.json')).href, { context: ctx });
    expect(model.loadInfo).toEqual({ compiled: false, reason: 'the file has no trainingConfig' });
    expectMatch(await model.predict(x).read(), outputs.flat(), 'webgpu-nn');
    model.dispose();
  });
});

describe('round trips', () => {
  function mixedModel(): Sequential {
    return new Sequential([new InputLayer({ inputShape: [3] }), new Flatten(), new Dense({ units: 4, activation: 'leakyRelu', alpha: 0.1 }), new Dense({ units: 2, useBias: false, kernelInitializer: 'heNormal' }), new Activation('softmax')]);
  }

  it('serialize / deserialize is exact (NaN, -0, subnormals) and JSON.stringify(model) is the topology', async () => {
    const model = mixedModel();
    model.compile({ loss: 'categoricalCrossentropy', optimizer: new SGD({ learningRate: 0.1, momentum: 0.5 }), seed: 3, context: ctx });
    const weights = (await model.getWeights()).map((w) => w.values);
    weights[0][0] = NaN;
    weights[0][1] = -0;
    weights[1][0] = 1e-45;
    model.setWeights(weights);
    const artifacts = await model.serialize();
    expect(JSON.parse(JSON.stringify(model))).toEqual(artifacts.modelTopology);
    const copy = Sequential.deserialize(artifacts);
    const bits = (ws: Float32Array[]) => ws.map((w) => Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length)));
    expect(bits((await copy.getWeights()).map((w) => w.values))).toEqual(bits(weights));
    expect(copy.summary({ print: false })).toBe(model.summary({ print: false }));
    expect(copy.toJSON()).toEqual(model.toJSON());
    for (const m of [model, copy]) m.dispose();
  });

  it('saves to a path and a file:// URL in Node and loads back, compiled', async () => {
    const model = mixedModel();
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'], seed: 4, context: ctx });
    const x = inputs(3, 3, 2);
    const expected = await model.predict(x).read();
    const result = await model.save(join(dir, 'mixed'));
    expect(result.modelArtifactsInfo).toMatchObject({ modelTopologyType: 'JSON', weightDataBytes: (12 + 4 + 8) * 4 });
    for (const source of [join(dir, 'mixed'), join(dir, 'mixed', 'model.json'), pathToFileURL(join(dir, 'mixed', 'model.json')).href]) {
      const copy = await loadModel(source, { context: ctx });
      expect(copy.loadInfo!.compiled).toBe(true);
      expect(copy.core.compiled!.optimizer).toBeInstanceOf(Adam);
      expect(Array.from(await copy.predict(x).read())).toEqual(Array.from(expected));
      copy.dispose();
    }
    model.dispose();
  });

  it('a 784-256-10 model saves a .bin of exactly 814,120 bytes and a model.json of a few KB', async () => {
    const model = new Sequential([new Dense({ units: 256, inputShape: [784], activation: 'relu' }), new Dense({ units: 10, activation: 'softmax' })]);
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', seed: 1 });
    await model.save(`file://${join(dir, 'mnist')}`);
    expect(statSync(join(dir, 'mnist', 'weights.bin')).size).toBe(814_120);
    const jsonBytes = statSync(join(dir, 'mnist', 'model.json')).size;
    expect(jsonBytes).toBeGreaterThan(1000);
    expect(jsonBytes).toBeLessThan(4096);
    model.dispose();
  });

  it('reads any number of groups and shards, and leaves the model uncompiled (saying why) for a trainingConfig it cannot honour', async () => {
    const model = new Sequential([new Dense({ units: 3, inputShape: [2], activation: 'tanh' }), new Dense({ units: 2, activation: 'sigmoid' })]);
    model.compile({ loss: 'binaryCrossentropy', seed: 6, context: ctx });
    const x = inputs(4, 2, 3);
    const expected = Array.from(await model.predict(x).read());
    const artifacts = await model.serialize();
    const bytes = new Uint8Array(artifacts.weightData as ArrayBuffer);
    const specs = artifacts.weightSpecs!;
    // Group 1: the first layer's kernel and bias in three shards; group 2: the second layer in one.
    const path = join(dir, 'groups');
    mkdirSync(path, { recursive: true });
    const cut = [0, 10, 20, (6 + 3) * 4, bytes.length];
    ['a.bin', 'b.bin', 'c.bin', 'd.bin'].forEach((f, i) => writeFileSync(join(path, f), bytes.slice(cut[i], cut[i + 1])));
    const trainingConfig = { ...artifacts.trainingConfig!, optimizer_config: { class_name: 'Ftrl', config: { learning_rate: 0.001 } } };
    const json = { modelTopology: artifacts.modelTopology, trainingConfig, weightsManifest: [{ paths: ['a.bin', 'b.bin', 'c.bin'], weights: specs.slice(0, 2) }, { paths: ['d.bin'], weights: specs.slice(2) }] };
    writeFileSync(join(path, 'model.json'), JSON.stringify(json));
    const copy = await loadModel(path, { context: ctx });
    expect(copy.loadInfo!.compiled).toBe(false);
    expect(copy.loadInfo!.reason).toMatch(/^trainingConfig: optimizer Ftrl is not supported \(webgpu-nn has SGD, Momentum, Adam/);
    expect(Array.from(await copy.predict(x).read())).toEqual(expected);
    for (const m of [model, copy]) m.dispose();
  });

  it('saving while fit runs is a ModelStateError', async () => {
    const model = new Sequential([new Dense({ units: 2, inputShape: [3], activation: 'softmax' })]);
    model.compile({ loss: 'categoricalCrossentropy', optimizer: 'sgd', seed: 1, context: ctx });
    const fitting = model.fit(X, Y_CLASSES, { epochs: 3 });
    await expect(model.save(join(dir, 'busy'))).rejects.toThrow(new ModelStateError('save', 'the model is training; save after fit resolves'));
    await fitting;
    model.dispose();
  });
});

describe('bad files are refused and nothing is loaded', () => {
  let good: ModelArtifacts;
  beforeAll(async () => {
    const model = new Sequential([new Dense({ units: 3, inputShape: [2], activation: 'relu' }), new Dense({ units: 1 })]);
    model.compile({ loss: 'mse', seed: 1 });
    good = await model.serialize();
    model.dispose();
  });

  /** Expects `load` to reject with `type` and a message matching `message`, with ctx.memory() unchanged. */
  async function refused(load: () => Promise<unknown>, type: typeof ModelFormatError | typeof ModelIOError, message: RegExp): Promise<void> {
    const before = ctx.memory();
    const error = await load().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
    expect(ctx.memory()).toEqual(before);
  }

  function writeModel(name: string, json: string, bin?: Uint8Array): string {
    const path = join(dir, name);
    rmSync(path, { recursive: true, force: true });
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'model.json'), json);
    if (bin) writeFileSync(join(path, 'weights.bin'), bin);
    return path;
  }

  const manifest = () => [{ paths: ['weights.bin'], weights: good.weightSpecs }];
  const bytes = () => new Uint8Array(good.weightData as ArrayBuffer);

  it('corrupt JSON', async () => {
    const path = writeModel('corrupt', '{"modelTopology": {"class_name": "Sequential", ', bytes());
    await refused(() => loadModel(path, { context: ctx }), ModelFormatError, /model\.json is not valid JSON/);
  });

  it('sizes that do not add up to the bytes', async () => {
    const path = writeModel('short', JSON.stringify({ modelTopology: good.modelTopology, weightsManifest: manifest() }), bytes().slice(0, 20));
    await refused(() => loadModel(path, { context: ctx }), ModelFormatError, /weightsManifest\[0\]\.weights: the specs take 52 bytes .* but its shards \(weights\.bin\) holds 20/);
  });

  it('a weight shape that does not fit its layer (a transposed kernel)', async () => {
    const specs = good.weightSpecs!.map((s, i) => (i === 0 ? { ...s, shape: [3, 2] } : s));
    await refused(() => loadModel({ ...good, weightSpecs: specs }, { context: ctx }), ModelFormatError, /weightSpecs\[0\] 'dense_1\/kernel': shape \[3, ?2\] does not fit layer 'dense_1' \(Dense, 2 inputs, 3 units\), whose kernel is \[2, ?3\]/);
  });

  it('a missing shard', async () => {
    const path = writeModel('no-shard', JSON.stringify({ modelTopology: good.modelTopology, weightsManifest: manifest() }));
    await refused(() => loadModel(path, { context: ctx }), ModelIOError, /cannot read the weight file .*weights\.bin/);
  });

  it('an unsupported dtype', async () => {
    const specs = good.weightSpecs!.map((s, i) => (i === 1 ? { ...s, dtype: 'int32' } : s));
    await refused(() => loadModel({ ...good, weightSpecs: specs }, { context: ctx }), ModelFormatError, /weightSpecs\[1\] 'dense_1\/bias': dtype "int32" is not supported/);
  });

  it('a feature webgpu-nn lacks: a regularizer, a constraint, an unknown layer or activation', async () => {
    const topology = good.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const variant = (edit: (layers: { class_name: string; config: Record<string, unknown> }[]) => void) => {
      const copy = structuredClone(topology);
      edit(copy.config.layers);
      return { ...good, modelTopology: copy };
    };
    await refused(() => loadModel(variant((l) => (l[0].config.kernel_regularizer = { class_name: 'L2', config: { l2: 0.01 } })), { context: ctx }), ModelFormatError, /layers\[0\] \(Dense 'dense_1'\): kernel_regularizer .* is not supported \(webgpu-nn has no weight regularizers\)/);
    await refused(() => loadModel(variant((l) => (l[1].config.bias_constraint = { class_name: 'MaxNorm', config: {} })), { context: ctx }), ModelFormatError, /bias_constraint .*weight constraints/);
    await refused(() => loadModel(variant((l) => (l[1].class_name = 'Conv2D')), { context: ctx }), ModelFormatError, /layer class "Conv2D" is not supported/);
    await refused(() => loadModel(variant((l) => (l[0].config.activation = 'selu')), { context: ctx }), ModelFormatError, /activation "selu" is not supported/);
  });

  it('float16 and uint8-quantized weights are dequantized', async () => {
    const half = new Uint16Array([0x3c00, 0xc000, 0x3800]); // 1, -2, 0.5
    const quantized = new Uint8Array([0, 10, 255]); // q * 0.5 - 1
    const artifacts: ModelArtifacts = {
      modelTopology: new Sequential([new Dense({ units: 3, inputShape: [1], useBias: true })]).toJSON(),
      weightSpecs: [
        { name: 'dense_1/kernel', shape: [1, 3], dtype: 'float32', quantization: { dtype: 'float16' } },
        { name: 'dense_1/bias', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
      ],
      weightData: new Uint8Array([...new Uint8Array(half.buffer), ...quantized]).buffer,
    };
    const model = Sequential.deserialize(artifacts);
    expect((await model.getWeights()).map((w) => w.values).map((w) => Array.from(w))).toEqual([[1, -2, 0.5], [-1, 4, 126.5]]);
    model.dispose();
  });
});
