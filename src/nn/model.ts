/**
 * Sequential: a stack of Dense and Activation layers with Keras's API (compile, fit, predict,
 * evaluate, summary, weights, JSON). The work is in core.ts, fit.ts, predict.ts,
 * serialization.ts; this class is the public surface.
 */
import { checkOptions } from '../options.js';
import { PREDICT_OPTIONS } from './options.js';
import { ArgumentError } from '../errors.js';
import type { Context } from '../context.js';
import type { Tensor } from '../tensor.js';
import { describe } from '../shape.js';
import { ModelCore } from './core.js';
import { Dense, type Layer } from './layers.js';
import { formatSummary, type SummaryRow } from './summary.js';
import { fit } from './fit.js';
import { evaluate, predict } from './predict.js';
import { modelToJSON, parseModelJSON, type SequentialJSON } from './serialization.js';
import type { FitOptions } from './fit-common.js';
import type { FlatArray } from './data.js';
import type { History } from './history.js';
import type { LossName } from './losses.js';
import type { Optimizer } from './optimizers.js';
import { ModelStateError } from './errors.js';

export interface CompileOptions {
  /** 'mse' (or 'meanSquaredError'), 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'. */
  loss: LossName | 'mse';
  /** 'sgd' (default), 'adam', or an SGD / Adam instance. */
  optimizer?: 'sgd' | 'adam' | Optimizer;
  /** ['accuracy'] (Keras's rule picks binary, categorical or sparse categorical accuracy). */
  metrics?: ('accuracy' | 'acc')[];
  /** Seed of the weight initialization (reproducible weights). */
  seed?: number;
  /** The context the model runs on (binds the model to it). */
  context?: Context;
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

export class Sequential {
  /** Model name (shown by toJSON). */
  name = 'sequential';
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
  get context(): Context | null {
    return this.core.ctx;
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

  /** The architecture and the weights, as a JSON-compatible object (exact round trip via Sequential.fromJSON). */
  async toJSON(): Promise<SequentialJSON> {
    const op = 'toJSON';
    const core = this.core;
    core.checkAlive(op);
    if (!core.built) return modelToJSON(this.name, core, null);
    core.ensureWeights(op);
    const weights = core.tensors ? ((await Promise.all(core.tensors.map((t) => t.read()))) as Float32Array[]) : core.hostWeights!;
    return modelToJSON(this.name, core, weights);
  }

  /** Rebuilds a model from `toJSON()`'s object (or its JSON string). Not compiled, not bound. */
  static fromJSON(json: SequentialJSON | string): Sequential {
    const op = 'fromJSON';
    const parsed = parseModelJSON(op, json);
    const model = new Sequential(parsed.layers);
    model.name = parsed.name;
    const core = model.core;
    if (parsed.inputWidth !== null) core.build(op, parsed.inputWidth);
    if (parsed.weights) {
      core.build(op);
      core.hostWeights = core.checkWeightArrays(op, parsed.weights).map((w) => w.slice());
    }
    return model;
  }

  /** Frees every GPU buffer the model holds; the model cannot be used afterwards. */
  dispose(): void {
    if (this.core.training) throw new ModelStateError('dispose', 'the model is training; dispose after fit resolves');
    this.core.dispose();
  }
}
