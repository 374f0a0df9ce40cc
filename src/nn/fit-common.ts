/**
 * What both training paths share: the parsed fit options, the plan of a fit (samples, batches,
 * loss and metric codes), the per-epoch permutations, the layout of the records the GPU writes,
 * and turning records into History entries, progress lines and callbacks.
 */
import { ArgumentError } from '../errors.js';
import { checkOptions } from '../options.js';
import { FIT_OPTIONS } from './options.js';
import { parseCallbacks, type CallbackList, type FitCallbacks, type Logs } from './callbacks.js';

export type { FitCallbacks, Logs } from './callbacks.js';
import { describe } from '../shape.js';
import type { CoreContext } from '../core-context.js';
import { Random, randomSeed } from './random.js';
import { History } from './history.js';
import { Progress } from './progress.js';
import { LabelKind, LossCode, MetricCode, metricCode } from './losses.js';
import type { Stage } from './layers.js';
import type { ModelCore } from './core.js';
import type { TrainingData } from './data.js';
import { copyElements, EPOCH_RECORD_WORDS, NO_RECORD, RECORD_HEADER_WORDS, type MetricSetup } from '../ops/training/definition.js';
import type { Tensor } from '../tensor.js';

export interface FitOptions {
  /** Default 1. */
  epochs?: number;
  /** Default 32; larger than the sample count uses all samples. */
  batchSize?: number;
  /** Shuffle the training samples each epoch (default true). */
  shuffle?: boolean;
  /** Fraction of the samples (the last ones, taken before shuffling) held out for validation. */
  validationSplit?: number;
  /** `[x, y]` to validate on after each epoch (instead of validationSplit): Tensors or arrays as x and y take them. */
  validationData?: [unknown, unknown];
  /** 0 silent (default), 1 Keras's progress bar (live in a Node terminal, else one line per epoch), 2 one line per epoch. */
  verbose?: 0 | 1 | 2;
  /** Makes shuffling reproducible. */
  seed?: number;
  /** One callback object or an array of them, each delivered in order. */
  callbacks?: FitCallbacks | FitCallbacks[];
  /**
   * How often training hands back to the host to deliver callbacks (TF.js's meanings): 'auto'
   * (default: when the trainer reads back anyway, about every half second), 'epoch', 'batch'
   * (every step: a readback per step, the slowest), 'never' (as rarely as the trainer can), or
   * a number of milliseconds.
   */
  yieldEvery?: YieldEvery;
  /**
   * The epoch to start at (Keras's `initialEpoch`, default 0): epochs run from it to `epochs - 1`
   * and History and callbacks use those numbers. With the same `seed`, each epoch shuffles as it
   * would have in one uninterrupted fit, so a resumed fit continues an interrupted one.
   */
  initialEpoch?: number;
  /**
   * `true`: the model keeps its weights and optimizer state on the host at the end of every epoch,
   * so that a lost GPU device costs at most the epoch in progress. Default false: they are kept at
   * the end of each group of epochs trained between readbacks (groups of fast epochs can be
   * longer than one, callbacks or not; see yieldEvery).
   */
  recoverable?: boolean;
}

export type YieldEvery = 'auto' | 'batch' | 'epoch' | 'never' | number;

export interface ParsedFitOptions {
  epochs: number;
  batchSize: number;
  shuffle: boolean;
  validationSplit: number;
  validationData: [unknown, unknown] | null;
  verbose: 0 | 1 | 2;
  seed: number;
  callbacks: CallbackList;
  yieldEvery: YieldEvery;
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
  const validationData: unknown = o.validationData ?? null;
  if (validationData !== null) {
    if (!Array.isArray(validationData) || validationData.length !== 2) {
      const weights = Array.isArray(validationData) && validationData.length === 3 ? ' (validation sample weights are not supported)' : '';
      throw new ArgumentError(op, `validationData must be [x, y] (Tensors or arrays), got ${describe(validationData)}${weights}`);
    }
    if (o.validationSplit !== undefined) throw new ArgumentError(op, 'give validationSplit or validationData, not both');
  }
  const verbose = o.verbose ?? 0;
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new ArgumentError(op, `verbose must be 0, 1 or 2, got ${describe(verbose)}`);
  if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)) {
    throw new ArgumentError(op, `seed must be an integer in [0, 2^32), got ${describe(o.seed)}`);
  }
  const yieldEvery = o.yieldEvery ?? 'auto';
  if (!(['auto', 'batch', 'epoch', 'never'].includes(yieldEvery as string) || (typeof yieldEvery === 'number' && yieldEvery > 0 && Number.isFinite(yieldEvery)))) {
    throw new ArgumentError(op, `yieldEvery must be 'auto', 'batch', 'epoch', 'never' or a positive number of milliseconds, got ${describe(yieldEvery)}`);
  }
  const initialEpoch = o.initialEpoch ?? 0;
  if (typeof initialEpoch !== 'number' || !Number.isInteger(initialEpoch) || initialEpoch < 0 || initialEpoch > epochs) {
    throw new ArgumentError(op, `initialEpoch must be an integer in [0, epochs] = [0, ${epochs}], got ${describe(initialEpoch)}`);
  }
  const recoverable = o.recoverable ?? false;
  if (typeof recoverable !== 'boolean') throw new ArgumentError(op, `recoverable must be a boolean, got ${describe(recoverable)}`);
  return { epochs, batchSize, shuffle, validationSplit, verbose, seed: o.seed ?? randomSeed(), callbacks: parseCallbacks(op, o.callbacks), yieldEvery, initialEpoch, recoverable, validationData: validationData as [unknown, unknown] | null };
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
  /** The model, whose stopTraining a callback may set. */
  model: { stopTraining: boolean };
  /** The records keep each step's loss and metric (for batch callbacks). */
  stepLogs: boolean;
  /** The records keep each epoch's weights and optimizer state, to rewind a group to an epoch's end. */
  snapshots: boolean;
}

/** `validationRows`: the last rows of `data` that are validationData (null: none given). */
export function makePlan(op: string, core: ModelCore, ctx: CoreContext, data: TrainingData, options: ParsedFitOptions, model: { stopTraining: boolean }, validationRows: number | null): FitPlan {
  const samples = data.samples;
  // Keras: the validation samples are the last fraction, split off before shuffling.
  const trainSamples = validationRows !== null ? samples - validationRows : options.validationSplit > 0 ? Math.floor(samples * (1 - options.validationSplit)) : samples;
  const valSamples = samples - trainSamples;
  if (trainSamples === 0) throw new ArgumentError(op, `validationSplit ${options.validationSplit} leaves no training samples out of ${samples}`);
  if (options.validationSplit > 0 && valSamples === 0) throw new ArgumentError(op, `validationSplit ${options.validationSplit} leaves no validation samples out of ${samples}`);
  const batchSize = Math.min(options.batchSize, trainSamples);
  const stepsPerEpoch = Math.ceil(trainSamples / batchSize);
  const setup = lossSetup(op, core, data.labelKind);
  const keys = ['loss', ...setup.metricKeys];
  if (valSamples > 0) keys.push(...keys.map((k) => `val_${k}`));
  const progress = new Progress(options.verbose, options.epochs, stepsPerEpoch);
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
    progress,
    model,
    stepLogs: options.callbacks.has('onBatchEnd') || progress.live,
    // Groups span epochs unless they are one step or one epoch (see fit-loop.ts's groupLength).
    snapshots: options.callbacks.list.length > 0 && !epochGroups(options),
  };
}

/**
 * Whether groups are at most one epoch: yieldEvery 'batch' or 'epoch', `recoverable` (the host
 * copy is taken at every epoch's end), or a user onEpochBegin (what it sets must apply to its epoch).
 */
export function epochGroups(options: ParsedFitOptions): boolean {
  return options.yieldEvery === 'batch' || options.yieldEvery === 'epoch' || options.recoverable || options.callbacks.hasUserHook('onEpochBegin');
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
/**
 * The records both paths write (train_records.wgsl): a header, then one EpochRecord (loss and val
 * loss sums, metric sums, validation metric sums) per epoch of the group; with step logs, one
 * EpochRecord per step of the group right after them (the step's mean loss and mean metrics); with
 * snapshots, from a fixed index, each epoch's weights and optimizer state in the flat layout
 * (weights at each parameter's offset, then each state slot). Indices count EpochRecords.
 */
export interface RecordLayout {
  /** Epochs per group at most. */
  maxEpochs: number;
  /** Steps per group at most (their logs), 0 without step logs. */
  maxSteps: number;
  /** Words per epoch snapshot, 0 without snapshots. */
  snapshotWords: number;
}

/** The seed of epoch `epoch`'s shuffle: the fit's seed and the epoch mixed (a murmur3 finalizer). */
function epochSeed(seed: number, epoch: number): number {
  let z = (seed ^ Math.imul(epoch + 1, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}


export function recordLayout(plan: FitPlan, maxEpochs: number, maxSteps: number): RecordLayout {
  return { maxEpochs, maxSteps: plan.stepLogs ? maxSteps : 0, snapshotWords: snapshotWords(plan) };
}

/** Words of one epoch's snapshot (0 when the plan keeps none). */
export function snapshotWords(plan: FitPlan): number {
  return plan.snapshots ? (1 + plan.core.compiled!.optimizer.slots) * plan.core.flatSize : 0;
}

/** Words of a records buffer for `epochs` epoch records and nothing else (evaluate, one group without logs). */
export function recordsWords(epochs: number): number {
  return RECORD_HEADER_WORDS + EPOCH_RECORD_WORDS * epochs;
}

export function layoutWords(l: RecordLayout): number {
  return recordsWords(l.maxEpochs + l.maxSteps) + l.maxEpochs * l.snapshotWords;
}

/** Index (in EpochRecords past the header) of the first snapshot, or NO_RECORD. */
export function snapshotBase(l: RecordLayout): number {
  return l.snapshotWords > 0 ? l.maxEpochs + l.maxSteps : NO_RECORD;
}

/** Words of a group's readback: the header, its epochs, and its step logs if kept. */
export function groupWords(l: RecordLayout, groupEpochs: number, groupSteps: number): number {
  return recordsWords(groupEpochs + (l.maxSteps > 0 ? groupSteps : 0));
}

/** Word of the snapshot of the group's epoch `slot` in the records. */
function snapshotWord(l: RecordLayout, slot: number): number {
  return recordsWords(snapshotBase(l)) + slot * l.snapshotWords;
}

/**
 * Copies between the snapshot of the group's epoch `slot` in `records` and the trainer's weights
 * (`weightAt(i)`: parameter i's tensor and offset) and optimizer state: into the snapshot
 * (`save`), or back out of it (a rewind).
 */
export function copySnapshot(plan: FitPlan, records: Tensor, l: RecordLayout, slot: number, weightAt: (i: number) => [Tensor, number], save: boolean): void {
  const { ctx, op, core } = plan;
  const state = core.ensureOptimizerState();
  const base = snapshotWord(l, slot);
  const flat = core.flatSize;
  const copy = (a: Tensor, aOffset: number, b: Tensor, bOffset: number, count: number) =>
    save ? copyElements(ctx, op, a, aOffset, b, bOffset, count) : copyElements(ctx, op, b, bOffset, a, aOffset, count);
  core.params.forEach((p, i) => {
    const [weights, offset] = weightAt(i);
    copy(weights, offset, records, base + p.offset, p.size);
    for (let k = 1; k <= core.compiled!.optimizer.slots; k++) copy(state, k * flat + p.offset, records, base + k * flat + p.offset, p.size);
  });
}

/** Copies parameter i's weights at the end of the group's epoch `slot` from the snapshot into `dst`. */
export function copySnapshotWeights(plan: FitPlan, records: Tensor, l: RecordLayout, slot: number, dst: Tensor[]): void {
  const base = snapshotWord(l, slot);
  plan.core.params.forEach((p, i) => copyElements(plan.ctx, plan.op, records, base + p.offset, dst[i], 0, p.size));
}

/** A group's records as read back. */
export interface Records {
  stopped: boolean;
  stopEpoch: number;
  stopBatch: number;
  /** One EpochRecord of sums per epoch of the group (see epochSums). */
  epochs: Float32Array;
  /** One EpochRecord per step of the group (its mean loss and metrics), or empty. */
  steps: Float32Array;
}

export function decodeRecords(bytes: ArrayBuffer, groupEpochs: number): Records {
  const u = new Uint32Array(bytes, 0, RECORD_HEADER_WORDS);
  const at = RECORD_HEADER_WORDS * 4;
  return {
    stopped: u[0] !== 0,
    stopEpoch: u[1],
    stopBatch: u[2],
    epochs: new Float32Array(bytes, at, EPOCH_RECORD_WORDS * groupEpochs),
    steps: new Float32Array(bytes, at + 4 * EPOCH_RECORD_WORDS * groupEpochs),
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

/** Logs of the group's `index`-th step: its EpochRecord holds the step's mean loss and metrics. */
export function stepLogs(plan: FitPlan, records: Records, index: number): Logs {
  const sums = epochSums(records.steps, index);
  const logs: Logs = { loss: sums.loss };
  plan.setup.metricKeys.forEach((key, k) => (logs[key] = sums.metrics[k]));
  return logs;
}
