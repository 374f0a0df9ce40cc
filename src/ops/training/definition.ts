/**
 * The training loop's own ops (internal, not exported from the package): gather rows, loss rows,
 * the epoch accumulator, the optimizer step, column sums, a lone activation and its gradient, the
 * input value checks, and the fused small-model trainer. Each is an op definition like the public
 * ones: its kernels from kernels.ts and ../dense/activation.ts, its CPU reference from
 * reference.ts (the fused trainer runs only on WebGPU).
 */
import type { CoreContext } from '../../core-context.js';
import type { Tensor } from '../../tensor.js';
import { LEAKY_RELU_ALPHA, type Activation } from '../../linalg.js';
import {
  EPOCH_RECORD_WORDS,
  MAX_METRICS,
  NO_RECORD,
  RECORD_HEADER_WORDS,
  recordAccumulate,
  recordCheckValues,
  recordColumnSums,
  recordGatherRows,
  recordLossRows,
  recordOptimizerStep,
  recordTrainSmall,
  type AccumulateParams,
  type DropoutMask,
  type TrainSmallConfig,
  type TrainSmallParams,
} from './kernels.js';
import { recordSoftmaxVjpRows } from '../rowwise/variants.js';
import { subRange, type BufferBinding } from '../../gpu/recorder.js';
import { tensorRange } from '../../gpu/tensor-range.js';
import { recordActivation, recordDropout } from '../dense/activation.js';
import { activationBackward as referenceActivationBackward, applyActivation, applyDropout, applyUpdate, LabelKind, lossRow, metricRow, type LossCode, type MetricCode, type StepParams } from './reference.js';
import { runOp, type OpDefinition } from '../definition.js';
import { softmax } from '../softmax/definition.js';

export {
  EPOCH_RECORD_WORDS,
  MAX_METRICS,
  NO_BIAS,
  NO_PERMUTATION,
  NO_RECORD,
  RECORD_HEADER_WORDS,
  STAGE_WORDS,
  TRAIN_SMALL_LANES_WIDTH,
  TRAIN_SMALL_MAX_ACTIVATIONS,
  TRAIN_SMALL_MAX_STAGES,
  TRAIN_SMALL_MAX_WIDTH,
  type AccumulateParams,
  type MetricSetup,
  type TrainSmallConfig,
  type TrainSmallParams,
} from './kernels.js';

function f32(t: Tensor): Float32Array {
  return t.storage!.data as Float32Array;
}

/** An internal op: its arguments come from the training code, already consistent, so `check` passes them on. */
function internalOp<A, R>(name: string, reference: OpDefinition<[A], A, R>['reference'], webgpu: OpDefinition<[A], A, R>['webgpu']): OpDefinition<[A], A, R> {
  return { name, check: (_ctx, args) => args, reference, webgpu };
}

interface GatherArgs {
  op: string;
  source: Tensor;
  index: Tensor | null;
  rows: number;
  width: number;
  first: number;
  floatToInt: boolean;
}

function gatherShape({ source, rows, width, floatToInt }: GatherArgs): { shape: number[]; dtype: 'int32' | 'float32' } {
  return { shape: width === 1 && source.rank === 1 ? [rows] : [rows, width], dtype: floatToInt || source.dtype === 'int32' ? 'int32' : 'float32' };
}

const gatherRowsOp = /* @__PURE__ */ internalOp<GatherArgs, Tensor>(
  'gatherRows',
  (ctx, args) => {
    const { source, index, rows, width, first } = args;
    const { shape, dtype } = gatherShape(args);
    const src = source.storage!.data!;
    const idx = index ? (index.storage!.data as Int32Array) : null;
    const out = dtype === 'int32' ? new Int32Array(rows * width) : new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const row = idx ? idx[first + r] : first + r;
      for (let c = 0; c < width; c++) out[r * width + c] = src[row * width + c];
    }
    return ctx.cpuOutput(shape, out);
  },
  (ctx, gpu, args) => {
    const { op, source, index, rows, width, first, floatToInt } = args;
    const { shape, dtype } = gatherShape(args);
    return gpu.captured(op, () => {
      const out = ctx.gpuOutput(op, shape, dtype, 'batch');
      const src = tensorRange(source);
      recordGatherRows(gpu, op, src, index ? tensorRange(index) : src, tensorRange(out), rows, width, first, index === null, floatToInt);
      return out;
    });
  },
);

/**
 * Rows `first .. first + rows` of `source` ([samples, width] words) in the order given by `index`
 * (or contiguous when `index` is null); `floatToInt` turns float class indices into int32.
 */
export function gatherRows(ctx: CoreContext, op: string, source: Tensor, index: Tensor | null, rows: number, width: number, first: number, floatToInt: boolean): Tensor {
  return runOp(ctx, gatherRowsOp, { op, source, index, rows, width, first, floatToInt });
}

interface LossRowsArgs {
  op: string;
  outputs: Tensor;
  labels: Tensor;
  code: LossCode;
  labelKind: LabelKind;
}

interface LossRows {
  grad: Tensor;
  rowLoss: Tensor;
}

const lossRowsOp = /* @__PURE__ */ internalOp<LossRowsArgs, LossRows>(
  'lossRows',
  (ctx, { outputs, labels, code, labelKind }) => {
    const [rows, n] = outputs.shape;
    const o = f32(outputs);
    const l = labels.storage!.data!;
    const grad = new Float32Array(rows * n);
    const rowLoss = new Float32Array(rows);
    const dense = labelKind === LabelKind.Dense;
    for (let r = 0; r < rows; r++) rowLoss[r] = lossRow(code, o, r * n, n, dense ? l : null, r * n, dense ? -1 : l[r], grad);
    return { grad: ctx.cpuOutput([rows, n], grad), rowLoss: ctx.cpuOutput([rows], rowLoss) };
  },
  (ctx, gpu, { op, outputs, labels, code, labelKind }) => {
    const [rows, n] = outputs.shape;
    return gpu.captured(op, () => {
      const grad = ctx.gpuOutput(op, [rows, n], 'float32', 'loss gradient');
      const rowLoss = ctx.gpuOutput(op, [rows], 'float32', 'row losses');
      recordLossRows(gpu, op, tensorRange(outputs), tensorRange(labels), tensorRange(grad), tensorRange(rowLoss), rows, n, code, labelKind);
      return { grad, rowLoss };
    });
  },
);

/** Per-row loss and d(row loss)/d(outputs) for the losses other than the fused softmax one. */
export function lossRows(ctx: CoreContext, op: string, outputs: Tensor, labels: Tensor, code: LossCode, labelKind: LabelKind): LossRows {
  return runOp(ctx, lossRowsOp, { op, outputs, labels, code, labelKind });
}

interface AccumulateArgs {
  op: string;
  rowLoss: Tensor;
  outputs: Tensor;
  labels: Tensor;
  labelKind: LabelKind;
  records: Tensor;
  p: AccumulateParams;
}

const accumulateOp = /* @__PURE__ */ internalOp<AccumulateArgs, void>(
  'accumulate',
  (_ctx, { rowLoss, outputs, labels, labelKind, records, p }) => {
    const data = f32(records);
    const header = new Uint32Array(data.buffer, data.byteOffset, RECORD_HEADER_WORDS);
    if (header[0] !== 0) return;
    const losses = f32(rowLoss);
    const o = p.metrics.softmax ? f32(outputs).slice() : f32(outputs);
    if (p.metrics.softmax) applyActivation('softmax', o, p.n);
    const l = labels.storage!.data!;
    const dense = labelKind === LabelKind.Dense;
    let lossSum = 0;
    const metricSums = new Float64Array(MAX_METRICS);
    for (let r = 0; r < p.rows; r++) {
      lossSum += losses[r];
      p.metrics.codes.forEach((code, k) => (metricSums[k] += metricRow(code as MetricCode, o, r * p.n, p.n, dense ? l : null, r * p.n, dense ? -1 : l[r])));
    }
    const at = RECORD_HEADER_WORDS + EPOCH_RECORD_WORDS * p.slot;
    const metricsAt = at + (p.validation ? 8 : 4);
    if (!p.validation) {
      if (!Number.isFinite(lossSum)) {
        header[0] = 1;
        header[1] = p.epoch;
        header[2] = p.batch;
        return;
      }
      header[3] += 1;
      data[4] = lossSum / p.rows;
      data.set(metricSums.map((v) => v / p.rows), 8);
      if (p.stepLog !== NO_RECORD) {
        const logAt = RECORD_HEADER_WORDS + EPOCH_RECORD_WORDS * p.stepLog;
        data.fill(0, logAt, logAt + EPOCH_RECORD_WORDS);
        data[logAt] = lossSum / p.rows;
        data.set(metricSums.map((v) => v / p.rows), logAt + 4);
      }
    }
    const lossAt = at + (p.validation ? 1 : 0);
    if (p.reset) {
      data[lossAt] = 0;
      data.fill(0, metricsAt, metricsAt + MAX_METRICS);
    }
    data[lossAt] += lossSum;
    metricSums.forEach((v, k) => (data[metricsAt + k] += v));
  },
  (_ctx, gpu, { op, rowLoss, outputs, labels, records, p }) => {
    gpu.captured(op, () => recordAccumulate(gpu, op, tensorRange(rowLoss), tensorRange(outputs), tensorRange(labels), tensorRange(records), p));
  },
);

/** Adds a batch's (or validation chunk's) loss and metric sums to `records` (see accumulate_epoch.wgsl). */
export function accumulate(ctx: CoreContext, op: string, rowLoss: Tensor, outputs: Tensor, labels: Tensor, labelKind: LabelKind, records: Tensor, p: AccumulateParams): void {
  runOp(ctx, accumulateOp, { op, rowLoss, outputs, labels, labelKind, records, p });
}

interface OptimizerStepArgs {
  op: string;
  param: Tensor;
  grad: Tensor;
  state: Tensor;
  offset: number;
  flatSize: number;
  records: Tensor;
  s: StepParams;
  gradScale: number;
}

const optimizerStepOp = /* @__PURE__ */ internalOp<OptimizerStepArgs, void>(
  'optimizerStep',
  (_ctx, { param, grad, state, offset, flatSize, records, s, gradScale }) => {
    const count = param.size;
    const header = new Uint32Array(f32(records).buffer, f32(records).byteOffset, 1);
    if (header[0] !== 0) return;
    const st = f32(state);
    const slot = (k: number) => st.subarray(k * flatSize + offset, k * flatSize + offset + count);
    applyUpdate(s, f32(param), f32(grad), gradScale, [slot(1), slot(2), slot(3)]);
  },
  (_ctx, gpu, { op, param, grad, state, offset, flatSize, records, s, gradScale }) => {
    const count = param.size;
    const slots = tensorRange(state);
    const bytes = Math.ceil(count / 4) * 16;
    gpu.captured(op, () =>
      recordOptimizerStep(
        gpu,
        op,
        tensorRange(param),
        tensorRange(grad),
        [1, 2, 3].map((k) => subRange(slots, (k * flatSize + offset) * 4, bytes)) as [BufferBinding, BufferBinding, BufferBinding],
        subRange(tensorRange(records), 0, 16),
        { ...s, count, gradScale },
      ),
    );
  },
);

/**
 * One optimizer update of `param` from its batch-summed gradient; its state slots are at
 * `offset` in slots 1 to 3 of the flat optimizer state. Skipped once `records` says stopped.
 */
export function optimizerStep(ctx: CoreContext, op: string, param: Tensor, grad: Tensor, state: Tensor, offset: number, flatSize: number, records: Tensor, s: StepParams, gradScale: number): void {
  runOp(ctx, optimizerStepOp, { op, param, grad, state, offset, flatSize, records, s, gradScale });
}

interface ActivationArgs {
  op: string;
  act: Exclude<Activation, 'softmax'>;
  x: Tensor;
  /** leakyRelu's slope for negative inputs. */
  alpha: number;
}

const activationOp = /* @__PURE__ */ internalOp<ActivationArgs, Tensor>(
  'activation',
  (ctx, { act, x, alpha }) => {
    const out = f32(x).slice();
    applyActivation(act, out, x.shape[x.rank - 1], alpha);
    return ctx.cpuOutput(x.shape, out);
  },
  (ctx, gpu, { op, act, x, alpha }) =>
    gpu.captured(op, () => {
      const y = ctx.gpuOutput(op, x.shape, 'float32', 'activation');
      const xb = tensorRange(x);
      recordActivation(gpu, op, xb, xb, tensorRange(y), x.size, act, 0, alpha);
      return y;
    }),
);

/** act(x) for an Activation stage that runs on its own (softmax is the softmax op). */
export function activationForward(ctx: CoreContext, op: string, act: Activation, x: Tensor, alpha = LEAKY_RELU_ALPHA): Tensor {
  return act === 'softmax' ? softmax(ctx, x) : runOp(ctx, activationOp, { op, act, x, alpha });
}

interface ActivationBackwardArgs {
  op: string;
  act: Activation;
  y: Tensor;
  dy: Tensor;
  /** The activation's parameter (ActivationSpec). */
  alpha: number;
}

const activationBackwardOp = /* @__PURE__ */ internalOp<ActivationBackwardArgs, Tensor>(
  'activationBackward',
  (ctx, { act, y, dy, alpha }) => ctx.cpuOutput(y.shape, referenceActivationBackward(act, f32(y), f32(dy), y.shape[y.rank - 1], alpha)),
  (ctx, gpu, { op, act, y, dy, alpha }) => {
    const cols = y.shape[y.rank - 1];
    return gpu.captured(op, () => {
      const dx = ctx.gpuOutput(op, y.shape, 'float32', 'activation gradient');
      const [yb, dyb, dxb] = [y, dy, dx].map(tensorRange);
      if (act === 'softmax') recordSoftmaxVjpRows(gpu, op, yb, dyb, dxb, y.size / Math.max(cols, 1), cols);
      else recordActivation(gpu, op, yb, dyb, dxb, y.size, act, 1, alpha);
      return dx;
    });
  },
);

/** dL/dx of an Activation stage from its output y (its input z for slopeReadsInput's activations) and dL/dy. */
export function activationBackward(ctx: CoreContext, op: string, act: Activation, y: Tensor, dy: Tensor, alpha = LEAKY_RELU_ALPHA): Tensor {
  return runOp(ctx, activationBackwardOp, { op, act, y, dy, alpha });
}

const dropoutOp = /* @__PURE__ */ internalOp<{ op: string; x: Tensor; mask: DropoutMask }, Tensor>(
  'dropout',
  (ctx, { x, mask }) => ctx.cpuOutput(x.shape, applyDropout(f32(x), mask)),
  (ctx, gpu, { op, x, mask }) =>
    gpu.captured(op, () => {
      const y = ctx.gpuOutput(op, x.shape, 'float32', 'dropout');
      recordDropout(gpu, op, tensorRange(x), tensorRange(y), x.size, mask);
      return y;
    }),
);

/** A batch (or its gradient) through Dropout's mask: element i of `x` is zeroed or scaled, as the mask's hash says. */
export function dropout(ctx: CoreContext, op: string, x: Tensor, mask: DropoutMask): Tensor {
  return runOp(ctx, dropoutOp, { op, x, mask });
}

const columnSumsOp = /* @__PURE__ */ internalOp<{ op: string; a: Tensor }, Tensor>(
  'columnSums',
  (ctx, { a }) => {
    const [rows, cols] = a.shape;
    const data = f32(a);
    const sums = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) sums[j] += data[r * cols + j];
    return ctx.cpuOutput([cols], new Float32Array(sums));
  },
  (ctx, gpu, { op, a }) => {
    const [rows, cols] = a.shape;
    return gpu.captured(op, () => {
      const out = ctx.gpuOutput(op, [cols], 'float32', 'column sums');
      recordColumnSums(gpu, op, tensorRange(a), tensorRange(out), rows, cols);
      return out;
    });
  },
);

/** Column sums of a [rows, cols] tensor (a bias gradient). */
export function columnSums(ctx: CoreContext, op: string, a: Tensor): Tensor {
  return runOp(ctx, columnSumsOp, { op, a });
}

/** What checkValues looks for: 0 finite floats; 1 float class indices < classes; 2 int32 class indices < classes. */
export interface ValueCheck {
  t: Tensor;
  mode: number;
}

const checkValuesOp = /* @__PURE__ */ internalOp<{ op: string; checks: ValueCheck[]; classes: number }, Promise<number[]>>(
  'checkValues',
  async (_ctx, { checks, classes }) =>
    checks.map(({ t, mode }) => {
      const data = t.storage!.data!;
      for (let i = 0; i < data.length; i++) {
        const v = data[i];
        if (mode === 0 ? !Number.isFinite(v) : !(Number.isInteger(v) && v >= 0 && v < classes)) return i;
      }
      return -1;
    }),
  async (ctx, gpu, { op, checks, classes }) => {
    const results = checks.map(({ t, mode }) => {
      const result = ctx.tensor(new Int32Array([-1]));
      gpu.captured(op, () => recordCheckValues(gpu, op, gpu.vec4Input(op, tensorRange(t)), tensorRange(result), t.size, mode, classes));
      return result;
    });
    try {
      const found: number[] = [];
      for (const r of results) found.push((await r.read())[0]);
      return found;
    } finally {
      results.forEach((r) => r.destroy());
    }
  },
);

/** The index of the first value of each tensor that fails its check, or -1 (GPU: one kernel and a 4-byte read each). */
export function checkValues(ctx: CoreContext, op: string, checks: ValueCheck[], classes: number): Promise<number[]> {
  return runOp(ctx, checkValuesOp, { op, checks, classes });
}

interface CopyArgs {
  op: string;
  src: Tensor;
  srcOffset: number;
  dst: Tensor;
  dstOffset: number;
  count: number;
}

const copyOp = /* @__PURE__ */ internalOp<CopyArgs, void>(
  'copy',
  (_ctx, { src, srcOffset, dst, dstOffset, count }) => {
    dst.storage!.data!.set(src.storage!.data!.subarray(srcOffset, srcOffset + count), dstOffset);
  },
  (_ctx, gpu, { op, src, srcOffset, dst, dstOffset, count }) => {
    gpu.captured(op, () => gpu.copyBuffer(op, tensorRange(src), srcOffset * 4, tensorRange(dst), dstOffset * 4, count * 4));
  },
);

/** Copies `count` elements of `src` from `srcOffset` into `dst` at `dstOffset`. */
export function copyElements(ctx: CoreContext, op: string, src: Tensor, srcOffset: number, dst: Tensor, dstOffset: number, count: number): void {
  runOp(ctx, copyOp, { op, src, srcOffset, dst, dstOffset, count });
}

interface TrainSmallArgs {
  op: string;
  lanes: boolean;
  tensors: Tensor[];
  config: TrainSmallConfig;
  params: TrainSmallParams;
}

/** The fused small-model trainer (train_small*.wgsl): kernels only, there is no CPU version of it. */
const trainSmallOp: OpDefinition<[TrainSmallArgs], TrainSmallArgs, void> = {
  name: 'trainSmall',
  check: (_ctx, args) => args,
  reference: null,
  webgpu: (_ctx, gpu, { op, lanes, tensors, config, params }) => recordTrainSmall(gpu, op, lanes, tensors.map(tensorRange), config, params),
};

/** Records `params.stepCount` whole training steps of the fused trainer over `tensors` (its bindings). */
export function trainSmall(ctx: CoreContext, op: string, lanes: boolean, tensors: Tensor[], config: TrainSmallConfig, params: TrainSmallParams): void {
  runOp(ctx, trainSmallOp, { op, lanes, tensors, config, params });
}
