/** Kernels of the training loop (shaders/train_small.wgsl and the layer-wise helpers) and their recorders. */
import trainSmallWgsl from '../../shaders/train_small.wgsl?raw';
import trainSmallLanesWgsl from '../../shaders/train_small_lanes.wgsl?raw';
import checkValuesWgsl from '../../shaders/check_values.wgsl?raw';
import gatherRowsWgsl from '../../shaders/gather_rows.wgsl?raw';
import lossRowsWgsl from '../../shaders/loss_rows.wgsl?raw';
import accumulateWgsl from '../../shaders/accumulate_epoch.wgsl?raw';
import optimizerWgsl from '../../shaders/optimizer_step.wgsl?raw';
import columnSumsWgsl from '../../shaders/column_sums.wgsl?raw';
import type { KernelSpec } from '../gpu/kernel.js';
import { ACTIVATION_PART, LABELS, TRAINING_CODES, TRAIN_MODEL, TRAIN_RECORDS, withParts } from './wgsl-parts.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import type { Binding, BufferBinding } from '../gpu/recorder.js';
import { dispatchPerLine } from './per-line.js';
import { ACTIVATION_CODE } from './activation.js';

export const TRAIN_SMALL: KernelSpec = {
  name: 'train_small',
  code: withParts(trainSmallWgsl, TRAIN_MODEL, TRAIN_RECORDS, ACTIVATION_PART, TRAINING_CODES, LABELS),
  bindings: ['read', 'read', 'read', 'read', 'write', 'write', 'write'],
};
export const TRAIN_SMALL_LANES: KernelSpec = {
  name: 'train_small_lanes',
  code: withParts(trainSmallLanesWgsl, TRAIN_MODEL, TRAIN_RECORDS, ACTIVATION_PART, TRAINING_CODES, LABELS),
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
const LOSS_ROWS: KernelSpec = { name: 'loss_rows', code: withParts(lossRowsWgsl, TRAINING_CODES, LABELS), bindings: ['read', 'read', 'write', 'write'] };
const ACCUMULATE: KernelSpec = { name: 'accumulate_epoch', code: withParts(accumulateWgsl, TRAIN_RECORDS, TRAINING_CODES, LABELS), bindings: ['read', 'read', 'read', 'write'] };
const OPTIMIZER: KernelSpec = { name: 'optimizer_step', code: withParts(optimizerWgsl, TRAINING_CODES), bindings: ['write', 'read', 'write', 'write', 'read'] };
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
/** An index of train_records.wgsl's tail that says "none kept" (its NO_RECORD). */
export const NO_RECORD = 0xffffffff;
/** Words before the per-epoch records (stopped, stopEpoch, stopBatch, completedSteps, lastBatchLoss, lastBatchMetric, 2 pad). */
export const RECORD_HEADER_WORDS = 8;

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
  rateBase: number;
  rateStep: number;
  stepLogBase: number;
  snapshotBase: number;
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** The pipeline overrides of train_model.wgsl: what the kernel branches on, fixed per model. */
export interface TrainSmallConfig {
  stageCount: number;
  lossCode: number;
  metricCode: number;
  labelKind: number;
  optimizerCode: number;
  denseMask: number;
  biasMask: number;
  /** Activation code per stage. */
  activations: number[];
  /** leakyRelu's alpha per stage (read only where the stage's code is leakyRelu's). */
  alphas: number[];
}

export const TRAIN_SMALL_MAX_STAGES = 8;
const TRAIN_SMALL_U32_FIELDS = 16;

export function recordTrainSmall(gpu: GpuRuntime, op: string, lanes: boolean, bindings: Binding[], config: TrainSmallConfig, p: TrainSmallParams): void {
  const buffer = new ArrayBuffer(20 * 4);
  const u = new Uint32Array(buffer);
  const f = new Float32Array(buffer);
  const ints = [p.firstStep, p.stepCount, p.stepsPerEpoch, p.trainSamples, p.batchSize, p.valStart, p.valCount, p.inputWidth, p.outputWidth, p.paramCount, p.recordEpoch, p.permEpoch, p.rateBase, p.rateStep, p.stepLogBase, p.snapshotBase];
  ints.forEach((v, i) => (u[i] = v));
  [p.momentum, p.beta1, p.beta2, p.epsilon].forEach((v, i) => (f[TRAIN_SMALL_U32_FIELDS + i] = v));
  const overrides: Record<string, number> = {
    stageCount: config.stageCount,
    lossCode: config.lossCode,
    metricCode: config.metricCode,
    labelKind: config.labelKind,
    optimizerCode: config.optimizerCode,
    denseMask: config.denseMask,
    biasMask: config.biasMask,
  };
  config.activations.forEach((a, i) => {
    overrides[`act${i}`] = a;
    if (a === ACTIVATION_CODE.leakyRelu) overrides[`alpha${i}`] = config.alphas[i];
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
    gpu.copyBuffer(op, source, first * width * 4, out, rows * width * 4);
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
  metricCode: number;
  labelKind: number;
  slot: number;
  validation: boolean;
  reset: boolean;
  epoch: number;
  batch: number;
  /** Index (in vec4s past the header) of the batch's step log, or NO_RECORD. */
  stepLog: number;
}

export function recordAccumulate(gpu: GpuRuntime, op: string, rowLoss: Binding, outputs: Binding, labels: Binding, records: Binding, p: AccumulateParams): void {
  const params = new Uint32Array([p.rows, p.n, p.slot, p.validation ? 1 : 0, p.reset ? 1 : 0, p.epoch, p.batch, p.stepLog]);
  gpu.dispatch(op, gpu.kernel(ACCUMULATE, { metricCode: p.metricCode, labelKind: p.labelKind }), [rowLoss, outputs, labels, records], params, 1);
}

export interface OptimizerStepParams {
  count: number;
  code: number;
  gradScale: number;
  rate: number;
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export function recordOptimizerStep(gpu: GpuRuntime, op: string, param: Binding, grad: Binding, slot1: Binding, slot2: Binding, status: Binding, p: OptimizerStepParams): void {
  const buffer = new ArrayBuffer(32);
  const u = new Uint32Array(buffer);
  const f = new Float32Array(buffer);
  const vec4s = Math.ceil(p.count / 4);
  u[0] = vec4s;
  [p.gradScale, p.rate, p.momentum, p.beta1, p.beta2, p.epsilon].forEach((v, i) => (f[2 + i] = v));
  const kernel = gpu.kernel(OPTIMIZER, { workgroupSize: WORKGROUP, code: p.code });
  gpu.dispatch(op, kernel, [param, grad, slot1, slot2, status], u, Math.ceil(vec4s / WORKGROUP));
}

/** out[j] = sum over rows of a[r, j]. */
export function recordColumnSums(gpu: GpuRuntime, op: string, a: Binding, out: Binding, rows: number, cols: number): void {
  dispatchPerLine(gpu, op, COLUMN_SUMS, {}, [a, out], new Uint32Array([rows, cols]), cols);
}
