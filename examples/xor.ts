/**
 * `npm run example:xor`: the article's XOR network, trained on the GPU.
 *
 *   Dense(2, inputShape [2]) -> sigmoid -> Dense(1) -> sigmoid, mean squared error, SGD,
 *   batch 4 (all four samples), 100,000 epochs at Keras's default learning rate 0.01,
 *
 * exactly the article's run. With weight seed 16 the predictions end below 0.1 for the 0s and
 * above 0.9 for the 1s (plain SGD at 0.01 leaves some seeds short of that after 100,000 epochs:
 * sigmoid + MSE gradients are small; the seed is fixed so that the run is reproducible).
 */
import { createContext, Sequential, Dense, Activation, SGD, type Context } from '../src/index';

export const XOR_SETTINGS = { epochs: 100_000, learningRate: 0.01, batchSize: 4, seed: 16 } as const;

export const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
export const XOR_Y = [[0], [1], [1], [0]];

export interface XorResult {
  summary: string;
  /** Loss after every 10,000th epoch. */
  losses: { epoch: number; loss: number }[];
  predictions: number[];
  fitMs: number;
  backend: string;
  path: string | null;
}

export interface XorOptions {
  context?: Context;
  quiet?: boolean;
  /** Where the printed lines go (default console.log; nowhere with `quiet`). */
  log?: (line: string) => void;
  /** Called with the trained model before it is disposed (the demo page draws its decision boundary). */
  onTrained?: (model: Sequential) => Promise<void>;
}

export async function main(options: XorOptions = {}): Promise<XorResult> {
  const log = options.log ?? (options.quiet ? () => {} : console.log);
  const ctx = options.context ?? (await createContext());
  const { epochs, learningRate, batchSize, seed } = XOR_SETTINGS;

  const model = new Sequential();
  model.add(new Dense({ units: 2, inputShape: [2] }));
  model.add(new Activation('sigmoid'));
  model.add(new Dense({ units: 1 }));
  model.add(new Activation('sigmoid'));
  model.compile({ loss: 'mse', optimizer: new SGD({ learningRate }), metrics: ['accuracy'], seed, context: ctx });
  const summary = model.summary(log);

  log(`\nfit: ${epochs} epochs, batch ${batchSize}, SGD learning rate ${learningRate}, seed ${seed} (${ctx.backend})`);
  const t0 = performance.now();
  const history = await model.fit(XOR_X, XOR_Y, { epochs, batchSize, seed });
  const fitMs = performance.now() - t0;
  const losses: XorResult['losses'] = [];
  for (let e = 10_000; e <= epochs; e += 10_000) {
    losses.push({ epoch: e, loss: history.loss[e - 1] });
    log(`epoch ${String(e).padStart(6)}: loss ${history.loss[e - 1].toFixed(6)} - accuracy ${history.accuracy![e - 1].toFixed(2)}`);
  }
  log(`${epochs} epochs in ${(fitMs / 1000).toFixed(2)} s (training path: ${ctx.lastKernelVariant('fit') ?? 'layerwise'})`);

  const output = model.predict(XOR_X);
  const predictions = Array.from(await output.read());
  output.destroy();
  log('\npredictions:');
  XOR_X.forEach((x, i) => log(`  [${x.join(', ')}] -> ${predictions[i].toFixed(4)}   (target ${XOR_Y[i][0]})`));
  const path = ctx.lastKernelVariant('fit');
  try {
    await options.onTrained?.(model);
  } finally {
    model.dispose();
  }
  if (!options.context) ctx.destroy();
  return { summary, losses, predictions, fitMs, backend: ctx.backend, path };
}
