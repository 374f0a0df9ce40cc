/**
 * Training rows. For `fit-*` rows `shape` is [epochs, batchSize] and `median_ms` is the wall time
 * of the whole `await model.fit(...)` call (a fresh model each run, built and compiled outside
 * the timed region):
 * - fit-xor [100000, 4]: the article's XOR run (2-2-1 sigmoid, MSE, SGD 0.01, batch 4);
 * - fit-mlp [1, 128]: a 784-256-10 relu/softmax MLP, sparse categorical cross-entropy, Adam, one
 *   epoch over 4,096 seeded synthetic samples (labels from a fixed random linear teacher), data
 *   resident as tensors; `samples_per_s` = 4096 / the median time. webgpu-nn and cpu-reference
 *   (the cpu backend: the same training code over the CPU reference ops).
 */
import { Activation, Dense, SGD, Sequential, createContext, type Context, type Tensor } from '../../src/index';
import type { Impl, Row } from '../harness';
import { randomArray } from '../../test/util/compare';

function fitImpl(impl: string, ctx: Context, build: () => Sequential, data: () => { x: Tensor | number[][]; y: Tensor | number[][] }, epochs: number, batchSize: number, samples: number, extraFields: boolean, dispose?: () => void): Impl {
  const { x, y } = data();
  return {
    impl,
    variant: () => ctx.lastKernelVariant('fit'),
    async run() {
      const model = build();
      const t0 = performance.now();
      await model.fit(x, y, { epochs, batchSize, seed: 1 });
      const ms = performance.now() - t0;
      model.dispose();
      return ms;
    },
    extra: extraFields ? (medianMs: number) => ({ samples_per_s: (samples * epochs) / (medianMs / 1000) }) : undefined,
    dispose,
  };
}

export function fitRows(ctx: Context): Row[] {
  const xor: Row = {
    op: 'fit-xor',
    shape: [100_000, 4],
    bytes: null,
    flops: null,
    async setup() {
      const build = () => {
        const model = new Sequential([new Dense({ units: 2, inputShape: [2] }), new Activation('sigmoid'), new Dense({ units: 1 }), new Activation('sigmoid')]);
        model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.01 }), metrics: ['accuracy'], seed: 16, context: ctx });
        return model;
      };
      const data = () => ({ x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]] });
      return [fitImpl('webgpu-nn', ctx, build, data, 100_000, 4, 4, false)];
    },
  };
  const samples = 4096;
  const mlp: Row = {
    op: 'fit-mlp',
    shape: [1, 128],
    bytes: null,
    flops: null,
    async setup() {
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
      const cpuCtx = await createContext({ backend: 'cpu' });
      const impls = [ctx, cpuCtx].map((c) => {
        const build = () => {
          const model = new Sequential([new Dense({ units: 256, inputShape: [784], activation: 'relu' }), new Dense({ units: 10, activation: 'softmax' })]);
          model.compile({ loss: 'sparseCategoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'], seed: 1, context: c });
          return model;
        };
        const tensors = { x: c.tensor(x, [samples, 784]), y: c.tensor(labels) };
        return fitImpl(c === ctx ? 'webgpu-nn' : 'cpu-reference', c, build, () => tensors, 1, 128, samples, true, () => {
          tensors.x.destroy();
          tensors.y.destroy();
          if (c !== ctx) c.destroy();
        });
      });
      return impls;
    },
  };
  return [xor, mlp];
}
