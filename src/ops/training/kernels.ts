/** Kernels of the training loop (shaders/train_small.wgsl and the layer-wise helpers) and their recorders. */
import trainSmallWgsl from '../../../shaders/train_small.wgsl?raw';
import trainSmallLanesWgsl from '../../../shaders/train_small_lanes.wgsl?raw';
import checkValuesWgsl from '../../../shaders/check_values.wgsl?raw';
import gatherRowsWgsl from '../../../shaders/gather_rows.wgsl?raw';
import lossRowsWgsl from '../../../shaders/loss_rows.wgsl?raw';
import accumulateWgsl from '../../../shaders/accumulate_epoch.wgsl?raw';
import optimizerWgsl from '../../../shaders/optimizer_step.wgsl?raw';
import columnSumsWgsl from '../../../shaders/column_sums.wgsl?raw';
import type { KernelSpec } from '../../gpu/kernel.js';
import { ACTIVATION_PART, DROPOUT_PART, LABELS, LOSSES, METRICS, OPTIMIZER_PART, TRAINING_CODES, TRAIN_MODEL, TRAIN_RECORDS, withParts } from '../shared/wgsl-parts.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { Binding, BufferBinding } from '../../gpu/recorder.js';
import { dispatchPerLine } from '../shared/per-line.js';
import { PARAMETER_CODES } from '../dense/activation.js';

export const TRAIN_SMALL: KernelSpec = {
  name: 'train_small',
  code: withParts(trainSmallWgsl, TRAIN_MODEL, TRAIN_RECORDS, ACTIVATION_PART, TRAINING_CODES, LABELS, LOSSES, METRICS, OPTIMIZER_PART, DROPOUT_PART),
  bindings: ['read', 'read', 'read', 'read', 'write', 'write', 'write'],
};
export const TRAIN_SMALL_LANES: KernelSpec = {
  name: 'train_small_lanes',
  code: withParts(trainSmallLanesWgsl, TRAIN_MODEL, TRAIN_RECORDS, ACTIVATION_PART, TRAINING_CODES, LABELS, LOSSES, METRICS, OPTIMIZER_PART, DROPOUT_PART),
  bindings: ['read', 'read', 'read', 'read', 'write', 'write', 'write'],
  features: ['subgroups'],
};
/** Invocations of train_small_lanes.wgsl's workgroup (its LANES): a subgroup must hold them. */
export const TRAIN_SMALL_LANES_WIDTH = 4;
const CHECK_VALUES: KernelSpec = { name: 'check_values', code: withParts(checkValuesWgsl, TRAINING_CODES), bindings: ['read', 'write'] };
const GATHER_ROWS: KernelSpec = {
  name: 'gather_rows',
  code: withParts(gatherRowsWgsl, 'alias Word = u32;\nalias FloatWord = f32;\nalias IntWord = i32;'),
  bindings: ['read', 'read', 'write'],
};
const GATHER_ROWS_VEC4: KernelSpec = {
  name: 'gather_rows_vec4',
  code: withParts(gatherRowsWgsl, 'alias Word = vec4u;\nalias FloatWord = vec4f;\nalias IntWord = vec4i;'),
  bindings: ['read', 'read', 'write'],
};
const LOSS_ROWS: KernelSpec = { name: 'loss_rows', code: withParts(lossRowsWgsl, TRAINING_CODES, LABELS, LOSSES, ACTIVATION_PART), bindings: ['read', 'read', 'write', 'write'] };
const ACCUMULATE: KernelSpec = { name: 'accumulate_epoch', code: withParts(accumulateWgsl, TRAIN_RECORDS, TRAINING_CODES, LABELS, METRICS), bindings: ['read', 'read', 'read', 'write'] };
const OPTIMIZER: KernelSpec = { name: 'optimizer_step', code: withParts(optimizerWgsl, TRAINING_CODES, OPTIMIZER_PART), bindings: ['write', 'read', 'write', 'write', 'write', 'read'] };
const COLUMN_SUMS: KernelSpec = { name: 'column_sums', code: withParts(columnSumsWgsl), bindings: ['read', 'write'] };

const WORKGROUP = 64;
/** Output words per invocation of gather_rows.wgsl (its `words`): 8 32-bit words, or 4 vec4s. */
const GATHER_WORDS = 8;
const GATHER_VECS = 4;

/** Limits of the fused small-model kernels (constants in train_model.wgsl). */
export const TRAIN_SMALL_MAX_WIDTH = 64;
export const TRAIN_SMALL_MAX_ACTIVATIONS = 1024;
/** Words per stage in their stage table. */
export const STAGE_WORDS = 8;
export const NO_BIAS = -1;
export const NO_PERMUTATION = 0xffffffff;
/** Words before the per-epoch records (stopped, stopEpoch, stopBatch, completedSteps, lastBatchLoss, 3 pad, lastBatchMetrics). */
export const RECORD_HEADER_WORDS = 12;
/** Words per epoch record (train_records.wgsl's EpochRecord): losses (train, validation, 2 pad), metrics, validation metrics. */
export const EPOCH_RECORD_WORDS = 12;
/** Metrics one fit records (the components of a vec4 in parts/metrics.wgsl). */
export const MAX_METRICS = 4;
/** An index of train_records.wgsl's tail that says "none kept" (its NO_RECORD). */
export const NO_RECORD = 0xffffffff;

/** The metrics a kernel computes (parts/metrics.wgsl's overrides): their codes, and whether they read softmax of the outputs. */
export interface MetricSetup {
  codes: number[];
  softmax: boolean;
}

function metricOverrides(m: MetricSetup): Record<string, number> {
  const overrides: Record<string, number> = { softmaxForMetrics: m.softmax ? 1 : 0 };
  m.codes.forEach((code, i) => (overrides[`metricCode${i}`] = code));
  return overrides;
}

/** parts/optimizer.wgsl's StepRule. */
export interface StepRule {
  rate: number;
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  rho: number;
  decay: number;
}

const STEP_RULE_WORDS = 7;

/** A StepRule into a uniform block at word `at`, in the WGSL struct's field order. */
function writeStepRule(f: Float32Array, at: number, r: StepRule): void {
  f.set([r.rate, r.momentum, r.beta1, r.beta2, r.epsilon, r.rho, r.decay], at);
}

/** The uniform block of train_model.wgsl (both fused trainers), in field order. */
export interface TrainSmallParams {
  firstStep: number;
  stepCount: number;
  stepsPerEpoch: number;
  trainSamples: number;
  batchSize: number;
  valStart: number;
  valCount: number;
  inputWidth: number;
  outputWidth: number;
  paramCount: number;
  recordEpoch: number;
  permEpoch: number;
  /** Whether steps read their rates from aux (else `rule.rate` holds for every step). */
  ratesVary: boolean;
  rateBase: number;
  rateStep: number;
  /** AdamW's weight decay of step s is aux[decayBase + s - rateStep] (bits of an f32). */
  decayBase: number;
  /** EpochRecord index of step rateStep's log (step s at stepLogBase + s - rateStep), or NO_RECORD. */
  stepLogBase: number;
  /** EpochRecord index of the group's first epoch snapshot, or NO_RECORD. */
  snapshotBase: number;
  /** Step s's optimizer iteration t is iterations + s (modulo 2^32): its Dropout masks' counter. */
  iterations: number;
  /** The optimizer's step (with ratesVary its rate is replaced per step from aux; AdamW's decay always). */
  rule: StepRule;
}

/** The pipeline overrides of train_model.wgsl: what the kernel branches on, fixed per model. */
export interface TrainSmallConfig {
  stageCount: number;
  lossCode: number;
  metrics: MetricSetup;
  labelKind: number;
  optimizerCode: number;
  denseMask: number;
  biasMask: number;
  /** Bit s set: stage s is a Dropout. */
  dropoutMask: number;
  /** Activation code per stage. */
  activations: number[];
  /** leakyRelu's alpha per stage (read only where the stage's code is leakyRelu's). */
  alphas: number[];
}

export const TRAIN_SMALL_MAX_STAGES = 8;
/** Words of train_model.wgsl's Params before its StepRule (18 fields and 2 of padding: a struct member starts at a multiple of 16 bytes). */
const TRAIN_SMALL_RULE_WORD = 20;

export function recordTrainSmall(gpu: GpuRuntime, op: string, lanes: boolean, bindings: Binding[], config: TrainSmallConfig, p: TrainSmallParams): void {
  const buffer = new ArrayBuffer((TRAIN_SMALL_RULE_WORD + STEP_RULE_WORDS) * 4);
  const u = new Uint32Array(buffer);
  const f = new Float32Array(buffer);
  const ints = [p.firstStep, p.stepCount, p.stepsPerEpoch, p.trainSamples, p.batchSize, p.valStart, p.valCount, p.inputWidth, p.outputWidth, p.paramCount, p.recordEpoch, p.permEpoch, p.rateBase, p.rateStep, p.decayBase, p.stepLogBase, p.snapshotBase, p.iterations];
  ints.forEach((v, i) => (u[i] = v));
  writeStepRule(f, TRAIN_SMALL_RULE_WORD, p.rule);
  const overrides: Record<string, number> = {
    stageCount: config.stageCount,
    lossCode: config.lossCode,
    ...metricOverrides(config.metrics),
    labelKind: config.labelKind,
    optimizerCode: config.optimizerCode,
    denseMask: config.denseMask,
    biasMask: config.biasMask,
    dropoutMask: config.dropoutMask,
    // Constant for a fit (its records layout), so overrides: the kernel's stores compile away without them.
    logsSteps: p.stepLogBase === NO_RECORD ? 0 : 1,
    keepsSnapshots: p.snapshotBase === NO_RECORD ? 0 : 1,
    ratesVary: p.ratesVary ? 1 : 0,
  };
  config.activations.forEach((a, i) => {
    overrides[`act${i}`] = a;
    if (PARAMETER_CODES.includes(a)) overrides[`alpha${i}`] = config.alphas[i];
  });
  gpu.dispatch(op, gpu.kernel(lanes ? TRAIN_SMALL_LANES : TRAIN_SMALL, overrides), bindings, u, 1);
}

/** mode 0: finite floats; 1: float class indices < classes; 2: int32 class indices < classes. */
export function recordCheckValues(gpu: GpuRuntime, op: string, values: Binding, result: Binding, count: number, mode: number, classes: number): void {
  const kernel = gpu.kernel(CHECK_VALUES, { workgroupSize: WORKGROUP, mode });
  gpu.dispatch(op, kernel, [values, result], new Uint32Array([count, classes]), Math.ceil(count / (16 * WORKGROUP)));
}

/**
 * Rows of `source` into a batch: a contiguous slice without conversion is a buffer copy (a memcpy
 * on SwiftShader, where a copy kernel moves about 1 byte per ns); otherwise gather_rows.wgsl,
 * with rows of a multiple of 4 words copied as vec4s (a 128 x 784 batch in 1.2 ms instead of 2.4
 * on SwiftShader).
 */
export function recordGatherRows(
  gpu: GpuRuntime,
  op: string,
  source: BufferBinding,
  index: BufferBinding,
  out: BufferBinding,
  rows: number,
  width: number,
  first: number,
  direct: boolean,
  floatToInt: boolean,
): void {
  if (direct && !floatToInt) {
    gpu.copyBuffer(op, source, first * width * 4, out, 0, rows * width * 4);
    return;
  }
  const vec4 = width % 4 === 0;
  const [spec, wordWidth, words] = vec4 ? [GATHER_ROWS_VEC4, width / 4, GATHER_VECS] : [GATHER_ROWS, width, GATHER_WORDS];
  const kernel = gpu.kernel(spec, { workgroupSize: WORKGROUP, direct: direct ? 1 : 0, mode: floatToInt ? 1 : 0, words });
  gpu.dispatch(op, kernel, [source, index, out], new Uint32Array([rows, wordWidth, first]), Math.ceil((rows * wordWidth) / (words * WORKGROUP)));
}

export function recordLossRows(gpu: GpuRuntime, op: string, outputs: Binding, labels: Binding, grad: Binding, rowLoss: Binding, rows: number, n: number, lossCode: number, labelKind: number): void {
  dispatchPerLine(gpu, op, LOSS_ROWS, { lossCode, labelKind }, [outputs, labels, grad, rowLoss], new Uint32Array([rows, n]), rows);
}

export interface AccumulateParams {
  rows: number;
  n: number;
  metrics: MetricSetup;
  labelKind: number;
  slot: number;
  validation: boolean;
  reset: boolean;
  epoch: number;
  batch: number;
  /** EpochRecord index of the batch's step log, or NO_RECORD. */
  stepLog: number;
}

export function recordAccumulate(gpu: GpuRuntime, op: string, rowLoss: Binding, outputs: Binding, labels: Binding, records: Binding, p: AccumulateParams): void {
  const params = new Uint32Array([p.rows, p.n, p.slot, p.validation ? 1 : 0, p.reset ? 1 : 0, p.epoch, p.batch, p.stepLog]);
  gpu.dispatch(op, gpu.kernel(ACCUMULATE, { ...metricOverrides(p.metrics), labelKind: p.labelKind }), [rowLoss, outputs, labels, records], params, 1);
}

/** optimizer_step.wgsl's parameters: the count of values, 1 / batch size, and the step's rule. */
export interface OptimizerStepParams extends StepRule {
  count: number;
  code: number;
  gradScale: number;
}

export function recordOptimizerStep(gpu: GpuRuntime, op: string, param: Binding, grad: Binding, slots: [Binding, Binding, Binding], status: Binding, p: OptimizerStepParams): void {
  // count, pad, gradScale, pad, then the StepRule at a multiple of 16 bytes.
  const buffer = new ArrayBuffer((4 + STEP_RULE_WORDS) * 4);
  const u = new Uint32Array(buffer);
  const f = new Float32Array(buffer);
  const vec4s = Math.ceil(p.count / 4);
  u[0] = vec4s;
  f[2] = p.gradScale;
  writeStepRule(f, 4, p);
  const kernel = gpu.kernel(OPTIMIZER, { workgroupSize: WORKGROUP, optimizerCode: p.code });
  gpu.dispatch(op, kernel, [param, grad, ...slots, status], u, Math.ceil(vec4s / WORKGROUP));
}

/** Dropout's mask at one step: the hash's seed, the threshold on its top 24 bits, the kept values' scale. */
export interface DropoutMask {
  seed: number;
  step: number;
  threshold: number;
  scale: number;
}

/** out[j] = sum over rows of a[r, j]. */
export function recordColumnSums(gpu: GpuRuntime, op: string, a: Binding, out: Binding, rows: number, cols: number): void {
  dispatchPerLine(gpu, op, COLUMN_SUMS, {}, [a, out], new Uint32Array([rows, cols]), cols);
}
