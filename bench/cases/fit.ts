/**
 * Training rows. For `fit-*` rows `shape` is [epochs, batchSize] and `median_ms` is the wall time
 * of the whole `await model.fit(...)` call (a fresh model each run, built and compiled outside
 * the timed region), for every impl:
 * - fit-xor [100000, 4]: the article's XOR run (2-2-1 sigmoid, MSE, SGD 0.01, batch 4), webgpu-nn;
 * - fit-xor [2000, 4]: the same model next to TF.js Layers (webgpu and cpu backends) and the cpu
 *   backend, every impl starting from the same weights; `webgpu-nn-callback` is webgpu-nn with
 *   what a user adds to watch training (an onEpochEnd logger that keeps a line per epoch, and an
 *   EarlyStopping that never fires) at the default yieldEvery: its cost over `webgpu-nn`;
 * - fit-mlp [1, 128]: a 784-256-10 relu/softmax MLP, sparse categorical cross-entropy, Adam, one
 *   epoch over 4,096 seeded synthetic samples (labels from a fixed random linear teacher), data
 *   resident as tensors, no shuffling; `samples_per_s` = 4096 / the median time. webgpu-nn,
 *   cpu-reference (the cpu backend: the same training code over the CPU reference ops) and TF.js,
 *   all from the same initial weights.
 *
 * The checking run is a timed `fit` like the others; it includes the first fit's pipeline
 * compilation, so it counts as a sample only for impls slow enough to get 3 runs (bench/harness.ts).
 *
 * Checks (before timing): fit-xor [2000, 4] compares each impl's trained weights with the cpu
 * backend's (plain SGD from the same weights: float32 runs stay within 1e-4 of each other);
 * fit-mlp compares the training loss after the epoch (Adam rescales tiny gradients to full-size
 * steps, so weights drift apart by rounding while the loss agrees to about a percent).
 */
import { Activation, Dense, EarlyStopping, SGD, Sequential, createContext, type Context, type FitCallbacks, type Tensor } from '../../src/index';
import { guarded, type Impl, type Row, type Tolerance } from '../harness';
import type { Libs } from '../main';
import { randomArray } from '../../test/util/compare';

type TfTensor = import('@tensorflow/tfjs').Tensor;
type Data = { x: Tensor | number[][]; y: Tensor | number[][] };

interface FitSpec {
  epochs: number;
  batchSize: number;
  samples: number;
  shuffle?: boolean;
  /** samples_per_s in the row. */
  throughput?: boolean;
  /** The check's outputs from a trained model (its weights, or its loss on the training data). */
  outputs?: (model: Sequential, data: Data) => Promise<Float32Array[]>;
  /** fit's callbacks (made per run). */
  callbacks?: () => FitCallbacks[];
}

/** What a user adds to watch training: a logger keeping a line per epoch, and an EarlyStopping that never fires. */
function watchers(): FitCallbacks[] {
  const lines: string[] = [];
  return [{ onEpochEnd: (epoch, logs) => void lines.push(`epoch ${epoch + 1}: loss ${logs.loss.toFixed(4)}`) }, new EarlyStopping({ monitor: 'loss', patience: 1e9 })];
}

function fitImpl(impl: string, ctx: Context, build: () => Sequential, data: () => Data, spec: FitSpec, dispose?: () => void): Impl {
  const d = data();
  const fit = async () => {
    const model = build();
    const t0 = performance.now();
    await model.fit(d.x, d.y, { epochs: spec.epochs, batchSize: spec.batchSize, seed: 1, shuffle: spec.shuffle ?? true, callbacks: spec.callbacks?.() });
    return { model, ms: performance.now() - t0 };
  };
  const checked = spec.outputs;
  const self: Impl = {
    impl,
    variant: () => ctx.lastKernelVariant('fit'),
    outputs: checked
      ? async () => {
          const { model, ms } = await fit();
          self.checkSampleMs = ms;
          try {
            return [await checked(model, d)];
          } finally {
            model.dispose();
          }
        }
      : undefined,
    async run() {
      const { model, ms } = await fit();
      model.dispose();
      return ms;
    },
    extra: spec.throughput ? (medianMs) => ({ samples_per_s: medianMs === null ? null : (spec.samples * spec.epochs) / (medianMs / 1000) }) : undefined,
    dispose,
  };
  return self;
}

/**
 * A TF.js Layers impl: `build` makes and compiles the model (outside the timed region, like the
 * webgpu-nn impls); `fit` is TF.js's own `model.fit`.
 */
async function tfjsFitImpl(libs: Libs, backend: 'webgpu' | 'cpu', build: () => import('@tensorflow/tfjs').Sequential, data: () => [TfTensor, TfTensor], spec: FitSpec, check: (model: import('@tensorflow/tfjs').Sequential, x: TfTensor, y: TfTensor) => Promise<Float32Array[]>): Promise<Impl> {
  const { tf, useTfBackend } = libs;
  const use = () => useTfBackend(backend);
  await use();
  const [x, y] = data();
  const fit = async () => {
    await use();
    const model = build();
    const t0 = performance.now();
    await model.fit(x, y, { epochs: spec.epochs, batchSize: spec.batchSize, shuffle: spec.shuffle ?? true, verbose: 0 });
    return { model, ms: performance.now() - t0 };
  };
  const self: Impl = {
    impl: `tfjs-${backend}`,
    async outputs() {
      const { model, ms } = await fit();
      self.checkSampleMs = ms;
      try {
        return [await check(model, x, y)];
      } finally {
        model.dispose();
      }
    },
    async run() {
      const { model, ms } = await fit();
      model.dispose();
      return ms;
    },
    extra: spec.throughput ? (medianMs) => ({ samples_per_s: medianMs === null ? null : (spec.samples * spec.epochs) / (medianMs / 1000) }) : undefined,
    dispose() {
      tf.dispose([x, y]);
    },
  };
  return self;
}

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];

function xorModel(ctx: Context, weights?: Float32Array[]): Sequential {
  const model = new Sequential([new Dense({ units: 2, inputShape: [2] }), new Activation('sigmoid'), new Dense({ units: 1 }), new Activation('sigmoid')]);
  model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.01 }), metrics: ['accuracy'], seed: 16, context: ctx });
  if (weights) model.setWeights(weights);
  return model;
}

/** Float32 SGD runs from the same weights: rounding differences stay far below 1e-4 over 2000 steps. */
const SGD_WEIGHTS_TOLERANCE: Tolerance = { atol: 1e-4, rtol: 1e-3, why: 'weights after plain SGD from the same start, float32' };
/** Adam from the same start: the training loss after one epoch agrees to about a percent. */
const ADAM_LOSS_TOLERANCE: Tolerance = { atol: 1e-3, rtol: 0.02, why: 'training loss after one Adam epoch from the same start' };

export function fitRows(ctx: Context, libs: Libs | null): Row[] {
  const xor: Row = {
    op: 'fit-xor',
    shape: [100_000, 4],
    bytes: null,
    flops: null,
    async setup() {
      const spec: FitSpec = { epochs: 100_000, batchSize: 4, samples: 4 };
      return [fitImpl('webgpu-nn', ctx, () => xorModel(ctx), () => ({ x: XOR_X, y: XOR_Y }), spec)];
    },
  };

  // fit-xor [2000, 4] next to TF.js: every impl starts from the weights webgpu-nn's seeded
  // initializer gives, and the cpu backend's trained weights are the reference.
  const xorShort: FitSpec = { epochs: 2000, batchSize: 4, samples: 4, shuffle: false, outputs: async (model) => (await model.getWeights()).map((w) => w.values) };
  let initialXor: Promise<Float32Array[]> | null = null;
  const xorStart = () => (initialXor ??= (async () => {
    const model = xorModel(ctx);
    const weights = (await model.getWeights()).map((w) => w.values);
    model.dispose();
    return weights;
  })());
  const xorCompare: Row = {
    op: 'fit-xor',
    shape: [2000, 4],
    bytes: null,
    flops: null,
    tolerance: SGD_WEIGHTS_TOLERANCE,
    async reference() {
      const cpuCtx = await createContext({ backend: 'cpu' });
      try {
        const model = xorModel(cpuCtx, await xorStart());
        await model.fit(XOR_X, XOR_Y, { epochs: xorShort.epochs, batchSize: 4, shuffle: false });
        return (await model.getWeights()).map((w) => w.values);
      } finally {
        cpuCtx.destroy();
      }
    },
    async setup() {
      const start = await xorStart();
      const cpuCtx = await createContext({ backend: 'cpu' });
      const impls: Impl[] = [
        fitImpl('webgpu-nn', ctx, () => xorModel(ctx, start), () => ({ x: XOR_X, y: XOR_Y }), xorShort),
        fitImpl('webgpu-nn-callback', ctx, () => xorModel(ctx, start), () => ({ x: XOR_X, y: XOR_Y }), { ...xorShort, callbacks: watchers }),
        fitImpl('cpu-reference', cpuCtx, () => xorModel(cpuCtx, start), () => ({ x: XOR_X, y: XOR_Y }), xorShort, () => cpuCtx.destroy()),
      ];
      if (!libs) return impls;
      const { tf } = libs;
      // The same model as a TF.js Layers user writes it.
      const build = () => {
        const model = tf.sequential({
          layers: [tf.layers.dense({ units: 2, inputShape: [2], activation: 'sigmoid' }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
        });
        model.compile({ loss: 'meanSquaredError', optimizer: tf.train.sgd(0.01), metrics: ['accuracy'] });
        model.setWeights(start.map((w, i) => (i % 2 === 0 ? tf.tensor2d(w, i === 0 ? [2, 2] : [2, 1]) : tf.tensor1d(w))));
        return model;
      };
      const data = (): [TfTensor, TfTensor] => [tf.tensor2d(XOR_X), tf.tensor2d(XOR_Y)];
      const weights = async (model: import('@tensorflow/tfjs').Sequential) =>
        Promise.all(model.getWeights().map(async (w) => Float32Array.from(await w.data())));
      for (const backend of ['webgpu', 'cpu'] as const) {
        impls.push(await guarded(`tfjs-${backend}`, () => tfjsFitImpl(libs, backend, build, data, xorShort, weights)));
      }
      return impls;
    },
  };

  const samples = 4096;
  const mlpSpec: FitSpec = {
    epochs: 1,
    batchSize: 128,
    samples,
    shuffle: false,
    throughput: true,
    outputs: async (model, data) => [new Float32Array([(await model.evaluate(data.x, data.y)).loss])],
  };
  let mlpData: { x: Float32Array; labels: Int32Array; start: Float32Array[] } | null = null;
  const mlpModel = (c: Context, weights?: Float32Array[]) => {
    const model = new Sequential([new Dense({ units: 256, inputShape: [784], activation: 'relu' }), new Dense({ units: 10, activation: 'softmax' })]);
    model.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'], seed: 1, context: c });
    if (weights) model.setWeights(weights);
    return model;
  };
  const makeMlpData = async () => {
    if (mlpData) return mlpData;
    const x = randomArray(samples * 784, 1, 0, 1);
    const teacher = randomArray(784 * 10, 2, -1, 1);
    const labels = new Int32Array(samples);
    for (let s = 0; s < samples; s++) {
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < 10; c++) {
        let score = 0;
        for (let i = 0; i < 784; i++) score += x[s * 784 + i] * teacher[i * 10 + c];
        if (score > bestScore) [best, bestScore] = [c, score];
      }
      labels[s] = best;
    }
    const model = mlpModel(ctx);
    const start = (await model.getWeights()).map((w) => w.values);
    model.dispose();
    return (mlpData = { x, labels, start });
  };
  const mlp: Row = {
    op: 'fit-mlp',
    shape: [1, 128],
    bytes: null,
    flops: null,
    tolerance: ADAM_LOSS_TOLERANCE,
    async reference() {
      const { x, labels, start } = await makeMlpData();
      const cpuCtx = await createContext({ backend: 'cpu' });
      try {
        const model = mlpModel(cpuCtx, start);
        const data = { x: cpuCtx.tensor(x, [samples, 784]), y: cpuCtx.tensor(labels) };
        await model.fit(data.x, data.y, { epochs: 1, batchSize: 128, shuffle: false });
        return [new Float32Array([(await model.evaluate(data.x, data.y)).loss])];
      } finally {
        cpuCtx.destroy();
      }
    },
    async setup() {
      const { x, labels, start } = await makeMlpData();
      const cpuCtx = await createContext({ backend: 'cpu' });
      const impls: Impl[] = [ctx, cpuCtx].map((c) => {
        const tensors = { x: c.tensor(x, [samples, 784]), y: c.tensor(labels) };
        return fitImpl(c === ctx ? 'webgpu-nn' : 'cpu-reference', c, () => mlpModel(c, start), () => tensors, mlpSpec, () => {
          tensors.x.destroy();
          tensors.y.destroy();
          if (c !== ctx) c.destroy();
        });
      });
      if (!libs) return impls;
      const { tf } = libs;
      const build = () => {
        const model = tf.sequential({
          layers: [tf.layers.dense({ units: 256, inputShape: [784], activation: 'relu' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
        });
        model.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: tf.train.adam(), metrics: ['accuracy'] });
        model.setWeights([tf.tensor2d(start[0], [784, 256]), tf.tensor1d(start[1]), tf.tensor2d(start[2], [256, 10]), tf.tensor1d(start[3])]);
        return model;
      };
      const data = (): [TfTensor, TfTensor] => [tf.tensor2d(x, [samples, 784]), tf.tensor2d(Float32Array.from(labels), [samples, 1])];
      const loss = async (model: import('@tensorflow/tfjs').Sequential, xt: TfTensor, yt: TfTensor) => {
        const result = model.evaluate(xt, yt, { batchSize: 128 });
        const first = Array.isArray(result) ? result[0] : result;
        return [new Float32Array([(await first.data())[0]])];
      };
      for (const backend of ['webgpu', 'cpu'] as const) {
        impls.push(await guarded(`tfjs-${backend}`, () => tfjsFitImpl(libs, backend, build, data, mlpSpec, loss)));
      }
      return impls;
    },
  };
  return [xor, xorCompare, mlp];
}
