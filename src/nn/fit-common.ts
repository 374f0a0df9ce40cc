/**
 * What both training paths share: the parsed fit options, the plan of a fit (samples, batches,
 * loss and metric codes), the per-epoch permutations, the layout of the records the GPU writes,
 * and turning records into History entries, progress lines and callbacks.
 */
import { ArgumentError } from '../errors.js';
import { checkOptions, closestName } from '../options.js';
import { CALLBACK_HOOKS, FIT_OPTIONS } from './options.js';
import { describe } from '../shape.js';
import type { CoreContext } from '../core-context.js';
import { Random, randomSeed } from './random.js';
import { History } from './history.js';
import { Progress } from './progress.js';
import { LabelKind, LossCode, MetricCode, metricCode } from './losses.js';
import type { Stage } from './layers.js';
import type { ModelCore } from './core.js';
import type { TrainingData } from './data.js';
import { EPOCH_RECORD_WORDS, MAX_METRICS, RECORD_HEADER_WORDS, type MetricSetup } from '../ops/training/definition.js';

export type Logs = Record<string, number>;

export interface FitCallbacks {
  /** After each epoch, with that epoch's `loss`, metrics and validation values. May return a Promise. */
  onEpochEnd?: (epoch: number, logs: Logs) => unknown;
  /** After each batch, with the batch's `loss` (mean over the batch) and metrics. May return a Promise. */
  onBatchEnd?: (batch: number, logs: Logs) => unknown;
}

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 32; larger than the sample count uses all samples. */
  batchSize?: number;
  /** Shuffle the training samples each epoch (default true). */
  shuffle?: boolean;
  /** Fraction of the samples (the last ones, taken before shuffling) held out for validation. */
  validationSplit?: number;
  /** 0 silent (default), 1 progress bar per epoch (Node; one line per epoch in a page), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Makes shuffling reproducible. */
  seed?: number;
  /** One callback object or an array of them, each delivered in order. */
  callbacks?: FitCallbacks | FitCallbacks[];
  /**
   * The epoch to start at (Keras's `initialEpoch`, default 0): epochs run from it to `epochs - 1`
   * and History and callbacks use those numbers. With the same `seed`, each epoch shuffles as it
   * would have in one uninterrupted fit, so a resumed fit continues an interrupted one.
   */
  initialEpoch?: number;
  /**
   * `true`: the model keeps its weights and optimizer state on the host at the end of every epoch,
   * so that a lost GPU device costs at most the epoch in progress. Default false: they are kept at
   * the end of each group of epochs trained between readbacks (every epoch when a callback is
   * given; groups of fast epochs can be longer).
   */
  recoverable?: boolean;
}

export interface ParsedFitOptions {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  validationSplit: number;
  verbose: 0 | 1 | 2;
  seed: number;
  callbacks: FitCallbacks;
  initialEpoch: number;
  recoverable: boolean;
}

export function parseFitOptions(op: string, options: unknown): ParsedFitOptions {
  const o = checkOptions(op, options, FIT_OPTIONS) as FitOptions;
  const epochs = o.epochs ?? 1;
  if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 0) throw new ArgumentError(op, `epochs must be a non-negative integer, got ${describe(epochs)}`);
  const batchSize = o.batchSize ?? 32;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) throw new ArgumentError(op, `batchSize must be an integer >= 1, got ${describe(batchSize)}`);
  const shuffle = o.shuffle ?? true;
  if (typeof shuffle !== 'boolean') throw new ArgumentError(op, `shuffle must be a boolean, got ${describe(shuffle)}`);
  const validationSplit = o.validationSplit ?? 0;
  if (typeof validationSplit !== 'number' || !(validationSplit >= 0 && validationSplit < 1)) {
    throw new ArgumentError(op, `validationSplit must be a number in [0, 1), got ${describe(validationSplit)}`);
  }
  const verbose = o.verbose ?? 0;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new ArgumentError(op, `verbose must be 0, 1 or 2, got ${describe(verbose)}`);
  if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)) {
    throw new ArgumentError(op, `seed must be an integer in [0, 2^32), got ${describe(o.seed)}`);
  }
  const initialEpoch = o.initialEpoch ?? 0;
  if (typeof initialEpoch !== 'number' || !Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch > epochs) {
    throw new ArgumentError(op, `initialEpoch must be an integer in [0, epochs] = [0, ${epochs}], got ${describe(initialEpoch)}`);
  }
  const recoverable = o.recoverable ?? false;
  if (typeof recoverable !== 'boolean') throw new ArgumentError(op, `recoverable must be a boolean, got ${describe(recoverable)}`);
  const seed = o.seed ?? randomSeed();
  return { epochs, batchSize, shuffle, validationSplit, verbose, seed, callbacks: parseCallbacks(op, o.callbacks), initialEpoch, recoverable };
}

/**
 * `callbacks`: one object or an array of them (TF.js's and Keras's habit), each delivered in
 * order. Callback objects may be class instances with fields of their own: only `on*` keys are
 * checked, and one that fit does not deliver is refused rather than never called.
 */
function parseCallbacks(op: string, value: unknown): FitCallbacks {
  if (value === undefined) return {};
  const list = Array.isArray(value) ? value : [value];
  list.forEach((c, i) => {
    const arg = Array.isArray(value) ? `callbacks[${i}]` : 'callbacks';
    if (c === null || typeof c !== 'object') throw new ArgumentError(op, `${arg} must be an object with hooks such as onEpochEnd, got ${describe(c)}`);
    for (const key of allKeys(c)) {
      if (!/^on[A-Z]/.test(key)) continue;
      if (!(CALLBACK_HOOKS as readonly string[]).includes(key)) {
        const guess = closestName(key, CALLBACK_HOOKS);
        throw new ArgumentError(op, `${arg}.${key} is not a hook fit delivers (${guess ? `did you mean '${guess}'?` : `hooks: ${CALLBACK_HOOKS.join(', ')}`})`);
      }
      const hook = (c as Record<string, unknown>)[key];
      if (hook !== undefined && typeof hook !== 'function') throw new ArgumentError(op, `${arg}.${key} must be a function, got ${describe(hook)}`);
    }
  });
  const objects = list as FitCallbacks[];
  const merged: FitCallbacks = {};
  for (const name of CALLBACK_HOOKS) {
    const hooks = objects.filter((c) => typeof c[name] === 'function');
    if (hooks.length === 0) continue;
    merged[name] = async (index: number, logs: Logs) => {
      for (const c of hooks) await c[name]!.call(c, index, { ...logs });
    };
  }
  return merged;
}

/** Own and inherited method names (a callback may be a class instance). */
function allKeys(object: object): string[] {
  const keys = new Set<string>();
  for (let o: object | null = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) if (k !== 'constructor') keys.add(k);
  }
  return [...keys];
}

/** How the loss is computed and which metrics are recorded. */
export interface LossSetup {
  code: LossCode;
  /** The metrics' codes, and whether they read softmax of the outputs (the softmax ran inside the loss). */
  metrics: MetricSetup;
  /** History keys of the metrics (the names compile was given), in the order of `metrics.codes`. */
  metricKeys: string[];
  /** The stages as training runs them: with the fused softmax loss, the last one without its softmax. */
  stages: Stage[];
}

/** Output activations whose values lie in [0, 1], as a cross-entropy on probabilities needs. */
const PROBABILITY_OUTPUTS: readonly string[] = ['sigmoid', 'softmax'];

export function lossSetup(op: string, core: ModelCore, labelKind: LabelKind): LossSetup {
  const compiled = core.compiled!;
  const units = core.outputWidth;
  const sparse = compiled.loss === 'sparseCategoricalCrossentropy';
  let stages = core.stages;
  const last = stages[stages.length - 1];
  let code: LossCode;
  switch (compiled.loss) {
    case 'meanSquaredError':
      code = LossCode.MeanSquaredError;
      break;
    case 'meanAbsoluteError':
      code = LossCode.MeanAbsoluteError;
      break;
    case 'huber':
      code = LossCode.Huber;
      break;
    default: {
      if (compiled.fromLogits) {
        code = compiled.loss === 'binaryCrossentropy' ? LossCode.SigmoidCrossentropy : LossCode.SoftmaxCrossentropy;
        break;
      }
      if (!PROBABILITY_OUTPUTS.includes(last.activation)) {
        throw new ArgumentError(
          op,
          `loss '${compiled.loss}' takes probabilities, but the output layer's activation is '${last.activation}' (unbounded): add a ${compiled.loss === 'binaryCrossentropy' ? 'sigmoid' : 'softmax'} activation to the output layer, or compile with loss: { name: '${compiled.loss}', fromLogits: true }`,
        );
      }
      if (compiled.loss === 'binaryCrossentropy') code = LossCode.BinaryCrossentropy;
      else if (last.activation === 'softmax' && units >= 2) {
        code = LossCode.SoftmaxCrossentropy;
        stages = [...stages.slice(0, -1), { ...last, activation: 'linear' }];
      } else code = LossCode.CategoricalCrossentropy;
    }
  }
  const sparseTargets = labelKind !== LabelKind.Dense;
  const codes = compiled.metrics.map((name) => metricCode(name, compiled.loss, units, sparse || sparseTargets));
  if (codes.includes(MetricCode.SparseCategoricalAccuracy) && !sparseTargets) {
    throw new ArgumentError(op, "metric 'sparseCategoricalAccuracy' takes class-index targets (one per sample), got one-hot rows; use 'categoricalAccuracy'");
  }
  // Only the metrics that read values need the probabilities: argmax is the same on the logits.
  const readsValues = codes.some((c) => c !== MetricCode.CategoricalAccuracy && c !== MetricCode.SparseCategoricalAccuracy);
  const softmax = code === LossCode.SoftmaxCrossentropy && !compiled.fromLogits && readsValues;
  return { code, metrics: { codes, softmax }, metricKeys: compiled.metrics, stages };
}

export interface FitPlan {
  op: string;
  core: ModelCore;
  ctx: CoreContext;
  data: TrainingData;
  options: ParsedFitOptions;
  setup: LossSetup;
  trainSamples: number;
  valSamples: number;
  batchSize: number;
  stepsPerEpoch: number;
  /** The fit's first step: steps are numbered from epoch 0, and the fit starts at initialEpoch. */
  firstStep: number;
  /** Optimizer iterations before this fit (see `iterationOf`). */
  iterationsBefore: number;
  history: History;
  progress: Progress;
  /** Whether model.stopTraining was set by a callback. */
  stopRequested: () => boolean;
}

export function makePlan(op: string, core: ModelCore, ctx: CoreContext, data: TrainingData, options: ParsedFitOptions, stopRequested: () => boolean): FitPlan {
  const samples = data.samples;
  // Keras: the validation samples are the last fraction, split off before shuffling.
  const trainSamples = options.validationSplit > 0 ? Math.floor(samples * (1 - options.validationSplit)) : samples;
  const valSamples = samples - trainSamples;
  if (trainSamples === 0) throw new ArgumentError(op, `validationSplit ${options.validationSplit} leaves no training samples out of ${samples}`);
  if (options.validationSplit > 0 && valSamples === 0) throw new ArgumentError(op, `validationSplit ${options.validationSplit} leaves no validation samples out of ${samples}`);
  const batchSize = Math.min(options.batchSize, trainSamples);
  const stepsPerEpoch = Math.ceil(trainSamples / batchSize);
  const setup = lossSetup(op, core, data.labelKind);
  const keys = ['loss', ...setup.metricKeys];
  if (valSamples > 0) keys.push(...keys.map((k) => `val_${k}`));
  const history = new History({ epochs: options.epochs, steps: stepsPerEpoch, samples: trainSamples, validationSamples: valSamples, batchSize }, keys);
  return {
    op,
    core,
    ctx,
    data,
    options,
    setup,
    trainSamples,
    valSamples,
    batchSize,
    stepsPerEpoch,
    firstStep: options.initialEpoch * stepsPerEpoch,
    iterationsBefore: core.iterations,
    history,
    progress: new Progress(options.verbose, options.epochs, stepsPerEpoch),
    stopRequested,
  };
}

/** The optimizer iteration (1-based: Adam's t) of the fit's step `step`. */
export function iterationOf(plan: FitPlan, step: number): number {
  return plan.iterationsBefore + step - plan.firstStep + 1;
}

/**
 * The epochs' sample orders. Each is drawn from a generator seeded by (seed, epoch) alone, so that
 * epoch e shuffles the same whether the fit started at 0 or resumed at e (initialEpoch).
 */
export class Permutations {
  private lastEpoch = -1;
  private last: Uint32Array | null = null;

  constructor(private readonly seed: number, private readonly samples: number, readonly shuffle: boolean) {}

  /** Epoch `epoch`'s order (the last one asked for is cached). */
  epoch(epoch: number): Uint32Array {
    if (epoch === this.lastEpoch && this.last) return this.last;
    const order = new Uint32Array(this.samples);
    for (let i = 0; i < order.length; i++) order[i] = i;
    if (this.shuffle) new Random(epochSeed(this.seed, epoch)).shuffle(order);
    this.lastEpoch = epoch;
    this.last = order;
    return order;
  }
}

/** The seed of epoch `epoch`'s shuffle: the fit's seed and the epoch mixed (a murmur3 finalizer). */
function epochSeed(seed: number, epoch: number): number {
  let z = (seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** The records buffer both paths write: a header, then per epoch the loss, metric and validation sums (train_records.wgsl). */
export interface Records {
  stopped: boolean;
  stopEpoch: number;
  stopBatch: number;
  lastBatchLoss: number;
  lastBatchMetrics: Float32Array;
  epochs: Float32Array;
}

export function recordsWords(epochs: number): number {
  return RECORD_HEADER_WORDS + EPOCH_RECORD_WORDS * epochs;
}

export function decodeRecords(bytes: ArrayBuffer): Records {
  const u = new Uint32Array(bytes, 0, RECORD_HEADER_WORDS);
  const f = new Float32Array(bytes, 0, RECORD_HEADER_WORDS);
  return {
    stopped: u[0] !== 0,
    stopEpoch: u[1],
    stopBatch: u[2],
    lastBatchLoss: f[4],
    lastBatchMetrics: f.subarray(8, 8 + MAX_METRICS),
    epochs: new Float32Array(bytes, RECORD_HEADER_WORDS * 4),
  };
}

/** Epoch `slot`'s sums in `epochs`: the training loss, the validation loss, and where each metric set starts. */
function epochSums(epochs: Float32Array, slot: number): { loss: number; valLoss: number; metrics: Float32Array; valMetrics: Float32Array } {
  const at = EPOCH_RECORD_WORDS * slot;
  return { loss: epochs[at], valLoss: epochs[at + 1], metrics: epochs.subarray(at + 4, at + 8), valMetrics: epochs.subarray(at + 8, at + 12) };
}

/** Logs of one epoch from its record sums (validation values with `validationSamples` > 0). */
export function recordLogs(keys: readonly string[], epochs: Float32Array, slot: number, samples: number, validationSamples: number): Logs {
  const sums = epochSums(epochs, slot);
  const logs: Logs = { loss: sums.loss / samples };
  keys.forEach((key, k) => (logs[key] = sums.metrics[k] / samples));
  if (validationSamples > 0) {
    logs.val_loss = sums.valLoss / validationSamples;
    keys.forEach((key, k) => (logs[`val_${key}`] = sums.valMetrics[k] / validationSamples));
  }
  return logs;
}

export function epochLogs(plan: FitPlan, epochs: Float32Array, slot: number): Logs {
  return recordLogs(plan.setup.metricKeys, epochs, slot, plan.trainSamples, plan.valSamples);
}

export function batchLogs(plan: FitPlan, records: Records): Logs {
  const logs: Logs = { loss: records.lastBatchLoss };
  plan.setup.metricKeys.forEach((key, k) => (logs[key] = records.lastBatchMetrics[k]));
  return logs;
}

/**
 * Reports epochs [first, first + count) whose sums are in `records` from slot `slotOfFirst`:
 * History, progress output, onEpochEnd. Returns true when training should stop.
 */
export async function reportEpochs(plan: FitPlan, records: Records, first: number, count: number, slotOfFirst: number, msPerEpoch: number): Promise<boolean> {
  for (let k = 0; k < count; k++) {
    const logs = epochLogs(plan, records.epochs, slotOfFirst + k);
    plan.history.push(first + k, logs);
    plan.progress.epochEnd(first + k, msPerEpoch, logs);
    if (plan.options.callbacks.onEpochEnd) await plan.options.callbacks.onEpochEnd(first + k, { ...logs });
  }
  return plan.stopRequested();
}
