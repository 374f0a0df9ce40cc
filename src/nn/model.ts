/**
 * Sequential: a stack of layers with Keras's API (compile, fit, predict, evaluate, summary,
 * weights, save). The work is in core.ts, fit.ts, predict.ts, io/; this class is the public
 * surface.
 */
import { checkOptions } from '../options.js';
import { PREDICT_OPTIONS } from './options.js';
import { ArgumentError } from '../errors.js';
import { CoreContext } from '../core-context.js';
import type { Tensor } from '../tensor.js';
import { describe } from '../shape.js';
import { ModelCore } from './core.js';
import { Dense, type Layer } from './layers.js';
import { formatSummary, type SummaryRow } from './summary.js';
import { fit } from './fit.js';
import { evaluate, predict } from './predict.js';
import { readArtifacts, toArtifacts } from './io/artifacts.js';
import { modelTopology, type ModelTopology } from './io/topology.js';
import { saveTo, type SaveDestination } from './io/handlers.js';
import type { ModelArtifacts, SaveResult } from './io/types.js';
import type { FitOptions } from './fit-common.js';
import type { FlatArray } from './data.js';
import type { History } from './history.js';
import type { LossConfig, LossName, MetricName } from './losses.js';
import type { Optimizer } from './optimizers.js';
import { ModelStateError } from './errors.js';

export interface CompileOptions {
  /**
   * 'mse' (or 'meanSquaredError'), 'mae' (or 'meanAbsoluteError'), 'huber', 'binaryCrossentropy',
   * 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'; or `{ name, fromLogits: true }`
   * for a cross-entropy on logits.
   */
  loss: LossName | 'mse' | 'mae' | LossConfig;
  /** 'sgd' (default), 'adam', 'adamw', 'rmsprop', 'adagrad', or an optimizer instance. */
  optimizer?: 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad' | Optimizer;
  /**
   * Up to 4 of 'accuracy' (Keras's rule picks binary, categorical or sparse categorical accuracy
   * from the loss and the targets), 'binaryAccuracy', 'categoricalAccuracy',
   * 'sparseCategoricalAccuracy', 'mae', 'mse' (snake_case too); each name is its History key.
   */
  metrics?: (MetricName | 'binary_accuracy' | 'categorical_accuracy' | 'sparse_categorical_accuracy' | 'mean_absolute_error' | 'mean_squared_error')[];
  /** Seed of the weight initialization (reproducible weights). */
  seed?: number;
  /** The context the model runs on (binds the model to it). */
  context?: CoreContext;
}

/** Data `fit`, `predict` and `evaluate` take: a Tensor, or nested arrays (one row per sample). */
export type ModelInput = Tensor | number[][] | FlatArray;
export type ModelTarget = Tensor | number[][] | number[] | FlatArray;

/**
 * A linear stack of layers.
 *
 * @example
 * const model = new Sequential();
 * model.add(new Dense({ units: 2, inputShape: [2] }));
 * model.add(new Activation('sigmoid'));
 * model.add(new Dense({ units: 1 }));
 * model.add(new Activation('sigmoid'));
 * model.compile({ loss: 'mse', optimizer: 'sgd', metrics: ['accuracy'] });
 * const history = await model.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 1000, batchSize: 4 });
 * const y = await model.predict([[0, 1]]).read();
 */
/** `summary()`'s options. */
export interface SummaryOptions {
  /** Where the table goes (default `console.log`). */
  printFn?: (text: string) => void;
  /** `false`: return the table without printing it. Default true. */
  print?: boolean;
}

/** One weight as getWeights returns it. */
export interface NamedWeight {
  /** Keras's name: `<layer>/kernel` or `<layer>/bias`. */
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Options of predict and evaluate. */
export interface PredictOptions {
  /** Rows per forward pass. */
  batchSize?: number;
}

function parseBatchSize(op: string, options: unknown): number | null {
  const { batchSize } = checkOptions(op, options, PREDICT_OPTIONS) as PredictOptions;
  if (batchSize === undefined) return null;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(op, `batchSize must be an integer >= 1, got ${describe(batchSize)}`);
  return batchSize;
}

const SUMMARY_OPTIONS = { known: ['printFn', 'print'], unsupported: { lineLength: 'the table has a fixed width', positions: 'the table has fixed columns' } };
const SEQUENTIAL_CONFIG = { known: ['layers', 'name'] };

/** How `loadModel` left a model: compiled from the file's trainingConfig, or why not. */
export interface LoadInfo {
  compiled: boolean;
  /** Why the model was not compiled (no trainingConfig, or one webgpu-nn does not support); null when compiled. */
  reason: string | null;
}

export class Sequential {
  /** Model name (written into the saved topology). */
  name = 'sequential';
  /** Set by `loadModel`: whether it compiled the model from the file; null for models built in code. */
  loadInfo: LoadInfo | null = null;
  /**
   * Set to true in a callback to stop fit: from onEpochEnd, after that epoch; from onEpochBegin,
   * before that epoch; from a batch hook, at the end of that batch's epoch. The History ends at
   * the last epoch run and the model holds that epoch's weights.
   */
  stopTraining = false;
  /** @internal */
  readonly core = new ModelCore();

  /** `layers`: an array of layers, or TF.js's `{ layers, name }`. */
  constructor(layers?: Layer[] | { layers?: Layer[]; name?: string }) {
    const op = 'Sequential';
    let list = layers;
    if (layers !== undefined && !Array.isArray(layers)) {
      const config = checkOptions(op, layers, SEQUENTIAL_CONFIG) as { layers?: Layer[]; name?: string };
      if (config.name !== undefined) {
        if (typeof config.name !== 'string' || config.name.length === 0) throw new ArgumentError(op, `name must be a non-empty string, got ${describe(config.name)}`);
        this.name = config.name;
      }
      list = config.layers;
    }
    if (list !== undefined) {
      if (!Array.isArray(list)) throw new ArgumentError(op, `layers must be an array of layers, got ${describe(list)}`);
      for (const l of list) this.add(l);
    }
  }

  /** The layers, in order. */
  get layers(): readonly Layer[] {
    return this.core.layers;
  }

  /** The compiled optimizer (TF.js's model.optimizer), or null before compile. Its learningRate may be set between epochs. */
  get optimizer(): Optimizer | null {
    return this.core.compiled?.optimizer ?? null;
  }

  /** The context the model is bound to, or null before it binds. */
  get context(): CoreContext | null {
    return this.core.ctx;
  }

  /**
   * Moves the model to `ctx`: its weights, its optimizer's state (moments, velocity, step count)
   * and its compiled configuration; the old context's tensors of the model are destroyed. When the
   * old context's device was lost, the copy kept on the host is used: the weights and optimizer
   * state as of the last epoch end `fit` kept (see DeviceLostError), or as last set. Resolves once
   * the model runs on `ctx`.
   *
   * @example
   * try {
   *   await model.fit(x, y, { epochs: 50, seed: 7 });
   * } catch (error) {
   *   if (!(error instanceof DeviceLostError)) throw error;
   *   const ctx = await createContext();
   *   await model.useContext(ctx);
   *   await model.fit(ctx.tensor(xs), ctx.tensor(ys), { epochs: 50, seed: 7, initialEpoch: error.epoch! + 1 });
   * }
   */
  async useContext(ctx: CoreContext): Promise<void> {
    const op = 'useContext';
    const core = this.core;
    core.checkAlive(op);
    if (!(ctx instanceof CoreContext)) throw new ArgumentError(op, `ctx must be a Context from createContext(), got ${describe(ctx)}`);
    if (core.training) throw new ModelStateError(op, 'the model is training; move it after fit settles');
    core.training = true;
    try {
      await core.moveTo(op, ctx);
    } finally {
      core.training = false;
    }
  }

  /** Appends a layer (before the model has weights). */
  add(layer: Layer): void {
    this.core.add('add', layer);
  }

  /**
   * Sets the loss, the optimizer and the metrics (synchronous). Resets the optimizer state; with
   * `seed`, (re)initializes weights that were not trained or set yet.
   */
  compile(options: CompileOptions): void {
    this.core.compile('compile', options);
  }

  /**
   * Trains the model; resolves to the History (one number per epoch for `loss` and each metric,
   * `val_*` with `validationSplit`). Throws NonFiniteLossError if the loss becomes NaN/infinite.
   */
  fit(x: ModelInput, y: ModelTarget, options?: FitOptions): Promise<History> {
    this.stopTraining = false;
    return fit(this.core, this, x, y, options);
  }

  /**
   * Runs the model forward (synchronous; read the result with `await t.read()`). `batchSize`: rows
   * per forward pass (default: all at once); the results do not depend on it.
   */
  predict(x: ModelInput, options?: PredictOptions): Tensor<'float32'> {
    return predict(this.core, x, parseBatchSize('predict', options));
  }

  /** The loss and metrics over (x, y), as numbers. `batchSize`: rows per forward pass (default 4096). */
  evaluate(x: ModelInput, y: ModelTarget, options?: PredictOptions): Promise<Record<string, number>> {
    try {
      return evaluate(this.core, x, y, parseBatchSize('evaluate', options));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Keras's summary table, printed (with `console.log`, or the `printFn` given, positionally as
   * TF.js takes it or as `{ printFn }`) and returned. `{ print: false }` only returns it.
   *
   * @example
   * model.summary();                        // prints
   * const text = model.summary({ print: false });
   * model.summary((line) => lines.push(line));
   */
  summary(options: SummaryOptions | ((text: string) => void) = {}): string {
    const op = 'summary';
    const o = typeof options === 'function' ? { printFn: options } : (checkOptions(op, options, SUMMARY_OPTIONS) as SummaryOptions);
    if (o.printFn !== undefined && typeof o.printFn !== 'function') throw new ArgumentError(op, `printFn must be a function, got ${describe(o.printFn)}`);
    if (o.print !== undefined && typeof o.print !== 'boolean') throw new ArgumentError(op, `print must be true or false, got ${describe(o.print)}`);
    const core = this.core;
    core.checkAlive(op);
    core.build(op);
    let width = core.inputWidth!;
    const rows: SummaryRow[] = core.layers.map((l) => {
      let params = 0;
      if (l instanceof Dense) {
        params = width * l.units + (l.useBias ? l.units : 0);
        width = l.units;
      }
      return { name: l.name!, className: l.className, outputShape: [null, width], params };
    });
    const total = rows.reduce((a, r) => a + r.params, 0);
    const text = formatSummary(rows, total, 0);
    if (o.print !== false) (o.printFn ?? console.log)(text);
    return text;
  }

  /** The weights in Keras order: per Dense layer its kernel [inputs, units] (row-major), then its bias; each with its name and shape. */
  async getWeights(): Promise<NamedWeight[]> {
    const op = 'getWeights';
    const core = this.core;
    core.checkAlive(op);
    core.build(op);
    await core.resolveContext(op);
    core.ensureWeights(op);
    const values = (await Promise.all(core.tensors!.map((t) => t.read()))) as Float32Array[];
    return values.map((v, i) => ({ name: core.params[i].name, shape: [...core.params[i].shape], values: v }));
  }

  /**
   * Replaces the weights (Keras order): getWeights's `{ name, shape, values }` objects (the shape
   * is checked; the name is informational, as Keras's set_weights goes by position) or plain
   * `Float32Array` / `number[]` values; synchronous.
   */
  setWeights(weights: (NamedWeight | Float32Array | number[])[]): void {
    const op = 'setWeights';
    const core = this.core;
    core.checkAlive(op);
    if (core.training) throw new ModelStateError(op, 'the model is training');
    core.build(op);
    const values = core.checkWeightArrays(op, weights);
    core.replaceWeights(values);
    core.weightsAreInitial = false;
  }

  /**
   * The topology (TF.js's `modelTopology`: Keras's model config), so `JSON.stringify(model)`
   * gives it. The weights are in `serialize()` / `save()`.
   */
  toJSON(): ModelTopology {
    this.core.checkAlive('toJSON');
    return modelTopology(this.name, this.core.layers, this.core.inputWidth);
  }

  /**
   * The model as TF.js's artifacts: `{ modelTopology, weightSpecs, weightData, trainingConfig }`
   * (what `io.withSaveHandler` receives); an exact round trip through `Sequential.deserialize`.
   */
  async serialize(): Promise<ModelArtifacts> {
    return this.artifacts('serialize');
  }

  /**
   * Saves the model in the TF.js Layers format (model.json + one little-endian float32 weight
   * file) and resolves to TF.js's SaveResult. `destination`: `'indexeddb://name'`,
   * `'localstorage://name'`, `'downloads://name'`, a `file://` URL or a path (Node), or an IO
   * handler (TF.js's `io.withSaveHandler(...)`, or any `{ save(artifacts) }`).
   *
   * @example
   * await model.save('indexeddb://my-model');
   * const copy = await loadModel('indexeddb://my-model');
   */
  async save(destination: SaveDestination): Promise<SaveResult> {
    const op = 'save';
    return saveTo(op, destination, await this.artifacts(op));
  }

  private async artifacts(op: string): Promise<ModelArtifacts> {
    const core = this.core;
    core.checkAlive(op);
    if (core.training) throw new ModelStateError(op, 'the model is training; save after fit resolves');
    if (!core.built) return toArtifacts(this.name, core, null);
    core.ensureWeights(op);
    const weights = core.tensors ? ((await Promise.all(core.tensors.map((t) => t.read()))) as Float32Array[]) : core.hostWeights!;
    return toArtifacts(this.name, core, weights);
  }

  /** Rebuilds a model from artifacts (`serialize()`'s, or TF.js's). Not compiled, not bound. */
  static deserialize(artifacts: ModelArtifacts): Sequential {
    return Sequential.fromArtifacts('deserialize', artifacts);
  }

  /** @internal Checks everything before building, so a bad file builds nothing. */
  static fromArtifacts(op: string, artifacts: unknown, specsPart?: string): Sequential {
    const parsed = readArtifacts(op, artifacts, specsPart);
    const model = new Sequential(parsed.layers);
    model.name = parsed.name;
    const core = model.core;
    if (parsed.inputWidth !== null) core.build(op, parsed.inputWidth);
    if (parsed.weights) core.hostWeights = parsed.weights;
    return model;
  }

  /** Frees every GPU buffer the model holds; the model cannot be used afterwards. */
  dispose(): void {
    if (this.core.training) throw new ModelStateError('dispose', 'the model is training; dispose after fit resolves');
    this.core.dispose();
  }
}
