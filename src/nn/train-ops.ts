/**
 * The training loop's own small operations, on either backend: on WebGPU they record the kernels
 * of src/kernels/training.ts; on the cpu backend they compute the same thing in TypeScript
 * (float64 arithmetic, from the definitions in losses.ts, optimizers.ts and activations.ts).
 * The layer-wise path, predict and evaluate call these next to ctx.dense / ctx.denseBackward /
 * ctx.softmaxCrossEntropy, so one piece of code runs on both backends.
 */
import { LEAKY_RELU_ALPHA } from '../linalg.js';
import type { Context } from '../context.js';
import type { Tensor } from '../tensor.js';
import {
  RECORD_HEADER_WORDS,
  recordAccumulate,
  recordColumnSums,
  recordGatherRows,
  recordLossRows,
  recordOptimizerStep,
  type AccumulateParams,
} from '../kernels/training.js';
import { recordSoftmaxVjpRows } from '../kernels/rowwise.js';
import { recordActivation } from '../kernels/activation.js';
import { activationBackward as cpuActivationBackward, applyActivation, type ActivationName } from './activations.js';
import { LabelKind, lossRow, metricRow, type LossCode } from './losses.js';
import { applyUpdate, type StepParams } from './optimizers.js';

function f32(t: Tensor): Float32Array {
  return t.storage!.data as Float32Array;
}

/**
 * Rows `first .. first + rows` of `source` ([samples, width] words) in the order given by `index`
 * (or contiguous when `index` is null); `floatToInt` turns float class indices into int32.
 */
export function gatherRows(ctx: Context, op: string, source: Tensor, index: Tensor | null, rows: number, width: number, first: number, floatToInt: boolean): Tensor {
  const shape = width === 1 && source.rank === 1 ? [rows] : [rows, width];
  const dtype = floatToInt || source.dtype === 'int32' ? 'int32' : 'float32';
  const gpu = ctx.gpu;
  if (!gpu) {
    const src = source.storage!.data!;
    const idx = index ? (index.storage!.data as Int32Array) : null;
    const out = dtype === 'int32' ? new Int32Array(rows * width) : new Float32Array(rows * width);
    for (let r = 0; r < rows; r++) {
      const row = idx ? idx[first + r] : first + r;
      for (let c = 0; c < width; c++) out[r * width + c] = src[row * width + c];
    }
    return ctx.cpuOutput(shape, out);
  }
  return gpu.captured(op, () => {
    const out = ctx.gpuOutput(op, shape, dtype, 'batch');
    const src = source.storage!.buffer!;
    recordGatherRows(gpu, op, src, index ? index.storage!.buffer! : src, out.storage!.buffer!, rows, width, first, index === null, floatToInt);
    return out;
  });
}

/** Per-row loss and d(row loss)/d(outputs) for the losses other than the fused softmax one. */
export function lossRows(ctx: Context, op: string, outputs: Tensor, labels: Tensor, code: LossCode, labelKind: LabelKind): { grad: Tensor; rowLoss: Tensor } {
  const [rows, n] = outputs.shape;
  const gpu = ctx.gpu;
  if (!gpu) {
    const o = f32(outputs);
    const l = labels.storage!.data!;
    const grad = new Float32Array(rows * n);
    const rowLoss = new Float32Array(rows);
    for (let r = 0; r < rows; r++) {
      const dense = labelKind === LabelKind.Dense;
      rowLoss[r] = lossRow(code, o, r * n, n, dense ? l : null, r * n, dense ? -1 : l[r], grad);
    }
    return { grad: ctx.cpuOutput([rows, n], grad), rowLoss: ctx.cpuOutput([rows], rowLoss) };
  }
  return gpu.captured(op, () => {
    const grad = ctx.gpuOutput(op, [rows, n], 'float32', 'loss gradient');
    const rowLoss = ctx.gpuOutput(op, [rows], 'float32', 'row losses');
    recordLossRows(gpu, op, outputs.storage!.buffer!, labels.storage!.buffer!, grad.storage!.buffer!, rowLoss.storage!.buffer!, rows, n, code, labelKind);
    return { grad, rowLoss };
  });
}

/** Adds a batch's (or validation chunk's) loss and metric sums to `records` (see accumulate_epoch.wgsl). */
export function accumulate(ctx: Context, op: string, rowLoss: Tensor, outputs: Tensor, labels: Tensor, labelKind: LabelKind, records: Tensor, p: AccumulateParams): void {
  const gpu = ctx.gpu;
  if (gpu) {
    gpu.captured(op, () => recordAccumulate(gpu, op, rowLoss.storage!.buffer!, outputs.storage!.buffer!, labels.storage!.buffer!, records.storage!.buffer!, p));
    return;
  }
  const data = f32(records);
  const header = new Uint32Array(data.buffer, data.byteOffset, RECORD_HEADER_WORDS);
  if (header[0] !== 0) return;
  const losses = f32(rowLoss);
  const o = f32(outputs);
  const l = labels.storage!.data!;
  const dense = labelKind === LabelKind.Dense;
  let lossSum = 0;
  let metricSum = 0;
  for (let r = 0; r < p.rows; r++) {
    lossSum += losses[r];
    metricSum += metricRow(p.metricCode as Parameters<typeof metricRow>[0], o, r * p.n, p.n, dense ? l : null, r * p.n, dense ? -1 : l[r]);
  }
  const at = RECORD_HEADER_WORDS + 4 * p.slot;
  if (!p.validation) {
    if (!Number.isFinite(lossSum)) {
      header[0] = 1;
      header[1] = p.epoch;
      header[2] = p.batch;
      return;
    }
    if (p.reset) data[at] = data[at + 1] = 0;
    data[at] += lossSum;
    data[at + 1] += metricSum;
    data[4] = lossSum / p.rows;
    data[5] = metricSum / p.rows;
    header[3] += 1;
  } else {
    if (p.reset) data[at + 2] = data[at + 3] = 0;
    data[at + 2] += lossSum;
    data[at + 3] += metricSum;
  }
}

/**
 * One optimizer update of `param` from its batch-summed gradient; its state slots are at
 * `offset` in slots 1 and 2 of the flat optimizer state. Skipped once `records` says stopped.
 */
export function optimizerStep(ctx: Context, op: string, param: Tensor, grad: Tensor, state: Tensor, offset: number, flatSize: number, records: Tensor, s: StepParams, gradScale: number): void {
  const count = param.size;
  const gpu = ctx.gpu;
  if (!gpu) {
    const header = new Uint32Array(f32(records).buffer, f32(records).byteOffset, 1);
    if (header[0] !== 0) return;
    const st = f32(state);
    applyUpdate(s, f32(param), f32(grad), gradScale, st.subarray(flatSize + offset, flatSize + offset + count), st.subarray(2 * flatSize + offset, 2 * flatSize + offset + count));
    return;
  }
  const buffer = state.storage!.buffer!;
  const bytes = Math.ceil(count / 4) * 16;
  gpu.captured(op, () =>
    recordOptimizerStep(
      gpu,
      op,
      param.storage!.buffer!,
      grad.storage!.buffer!,
      { buffer, offset: (flatSize + offset) * 4, size: bytes },
      { buffer, offset: (2 * flatSize + offset) * 4, size: bytes },
      { buffer: records.storage!.buffer!, offset: 0, size: 16 },
      { count, code: s.code, gradScale, rate: s.rate, momentum: s.momentum, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon },
    ),
  );
}

/** act(x) for an Activation stage that runs on its own. */
export function activationForward(ctx: Context, op: string, act: ActivationName, x: Tensor, alpha = LEAKY_RELU_ALPHA): Tensor {
  if (act === 'softmax') return ctx.softmax(x);
  const gpu = ctx.gpu;
  if (!gpu) {
    const out = f32(x).slice();
    applyActivation(act, out, x.shape[x.rank - 1], alpha);
    return ctx.cpuOutput(x.shape, out);
  }
  return gpu.captured(op, () => {
    const y = ctx.gpuOutput(op, x.shape, 'float32', 'activation');
    const xb = x.storage!.buffer!;
    recordActivation(gpu, op, xb, xb, y.storage!.buffer!, x.size, act, 0, alpha);
    return y;
  });
}

/** dL/dx of an Activation stage from its output y and dL/dy. */
export function activationBackward(ctx: Context, op: string, act: ActivationName, y: Tensor, dy: Tensor, alpha = LEAKY_RELU_ALPHA): Tensor {
  const cols = y.shape[y.rank - 1];
  const gpu = ctx.gpu;
  if (!gpu) return ctx.cpuOutput(y.shape, cpuActivationBackward(act, f32(y), f32(dy), cols, alpha));
  return gpu.captured(op, () => {
    const dx = ctx.gpuOutput(op, y.shape, 'float32', 'activation gradient');
    const yb = y.storage!.buffer!;
    const dyb = dy.storage!.buffer!;
    if (act === 'softmax') recordSoftmaxVjpRows(gpu, op, yb, dyb, dx.storage!.buffer!, y.size / Math.max(cols, 1), cols);
    else recordActivation(gpu, op, yb, dyb, dx.storage!.buffer!, y.size, act, 1, alpha);
    return dx;
  });
}

/** Column sums of a [rows, cols] tensor (a bias gradient). */
export function columnSums(ctx: Context, op: string, a: Tensor): Tensor {
  const [rows, cols] = a.shape;
  const gpu = ctx.gpu;
  if (!gpu) {
    const data = f32(a);
    const sums = new Float64Array(cols);
    for (let r = 0; r < rows; r++) for (let j = 0; j < cols; j++) sums[j] += data[r * cols + j];
    return ctx.cpuOutput([cols], new Float32Array(sums));
  }
  return gpu.captured(op, () => {
    const out = ctx.gpuOutput(op, [cols], 'float32', 'column sums');
    recordColumnSums(gpu, op, a.storage!.buffer!, out.storage!.buffer!, rows, cols);
    return out;
  });
}
