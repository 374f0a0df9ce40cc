/**
 * The training loop's codes (as the kernels take them) and the CPU references of its per-row
 * math: losses and their gradients, metrics, optimizer updates and activations, in float64.
 * These are what the cpu backend runs for the training ops (ops.ts), written independently of
 * the WGSL.
 */
import { LEAKY_RELU_ALPHA, type Activation } from '../../linalg.js';
import { softmaxVjpLine } from '../rowwise/reference-vjp.js';
import { ACTIVATION_CODE as POINTWISE_CODE } from '../dense/activation.js';

/** The per-sample loss as the kernels compute it. */
export const LossCode = {
  MeanSquaredError: 0,
  BinaryCrossentropy: 1,
  /** Categorical cross-entropy on probabilities (normalized, clipped). */
  CategoricalCrossentropy: 2,
  /** Softmax cross-entropy from logits: the output stage runs without its softmax. */
  SoftmaxCrossentropy: 3,
} as const;
export type LossCode = (typeof LossCode)[keyof typeof LossCode];

/** How targets are stored. */
export const LabelKind = {
  /** float32 [samples, units] */
  Dense: 0,
  /** class indices stored as float32 */
  IndexFloat: 1,
  /** class indices stored as int32 */
  IndexInt: 2,
} as const;
export type LabelKind = (typeof LabelKind)[keyof typeof LabelKind];

export const MetricCode = {
  None: 0,
  BinaryAccuracy: 1,
  CategoricalAccuracy: 2,
  SparseCategoricalAccuracy: 3,
} as const;
export type MetricCode = (typeof MetricCode)[keyof typeof MetricCode];

/** Keras's clipping epsilon, and 1 - epsilon, as float32 values (the bounds the kernels use). */
export const EPSILON = Math.fround(1e-7);
export const ONE_MINUS_EPSILON = Math.fround(1 - 1e-7);

/**
 * One row's loss and dL/d(output) (for SoftmaxCrossentropy: dL/d(logits)), float64 arithmetic.
 * `target` is the row of targets (Dense labels) or null with `index` the class.
 */
export function lossRow(
  code: LossCode,
  out: ArrayLike<number>,
  offset: number,
  n: number,
  target: ArrayLike<number> | null,
  targetOffset: number,
  index: number,
  grad: Float32Array,
): number {
  const t = (j: number) => (target ? target[targetOffset + j] : j === index ? 1 : 0);
  switch (code) {
    case LossCode.MeanSquaredError: {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const d = out[offset + j] - t(j);
        sum += d * d;
        grad[offset + j] = (2 * d) / n;
      }
      return sum / n;
    }
    case LossCode.BinaryCrossentropy: {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const o = out[offset + j];
        const p = Math.min(Math.max(o, EPSILON), ONE_MINUS_EPSILON);
        const tj = t(j);
        sum -= tj * Math.log(p) + (1 - tj) * Math.log(1 - p);
        grad[offset + j] = o >= EPSILON && o <= ONE_MINUS_EPSILON ? (p - tj) / (p * (1 - p)) / n : 0;
      }
      return sum / n;
    }
    case LossCode.CategoricalCrossentropy: {
      let total = 0;
      for (let j = 0; j < n; j++) total += out[offset + j];
      let loss = 0;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        const q = out[offset + j] / total;
        const p = Math.min(Math.max(q, EPSILON), ONE_MINUS_EPSILON);
        loss -= t(j) * Math.log(p);
        const g = q >= EPSILON && q <= ONE_MINUS_EPSILON ? -t(j) / q : 0;
        grad[offset + j] = g;
        weighted += g * q;
      }
      for (let j = 0; j < n; j++) grad[offset + j] = (grad[offset + j] - weighted) / total;
      return loss;
    }
    case LossCode.SoftmaxCrossentropy: {
      let max = -Infinity;
      for (let j = 0; j < n; j++) max = Math.max(max, out[offset + j]);
      let sum = 0;
      for (let j = 0; j < n; j++) sum += Math.exp(out[offset + j] - max);
      const logSum = max + Math.log(sum);
      let loss = 0;
      for (let j = 0; j < n; j++) {
        const tj = t(j);
        if (tj !== 0) loss -= tj * (out[offset + j] - logSum);
        grad[offset + j] = Math.exp(out[offset + j] - max) / sum - tj;
      }
      return loss;
    }
  }
}

/** One row's metric value (1 correct, 0 wrong; binary accuracy: the fraction of outputs right). */
export function metricRow(code: MetricCode, out: ArrayLike<number>, offset: number, n: number, target: ArrayLike<number> | null, targetOffset: number, index: number): number {
  const argmax = (values: ArrayLike<number>, at: number) => {
    let best = 0;
    for (let j = 1; j < n; j++) if (values[at + j] > values[at + best]) best = j;
    return best;
  };
  switch (code) {
    case MetricCode.None:
      return 0;
    case MetricCode.BinaryAccuracy: {
      let right = 0;
      for (let j = 0; j < n; j++) {
        const predicted = out[offset + j] > 0.5 ? 1 : 0;
        const tj = target ? target[targetOffset + j] : j === index ? 1 : 0;
        if (predicted === tj) right++;
      }
      return right / n;
    }
    case MetricCode.CategoricalAccuracy:
      return argmax(out, offset) === argmax(target!, targetOffset) ? 1 : 0;
    case MetricCode.SparseCategoricalAccuracy:
      return argmax(out, offset) === index ? 1 : 0;
  }
}
/** The codes the kernels use. */
export const OptimizerCode = {
  SGD: 0,
  Momentum: 1,
  Nesterov: 2,
  Adam: 3,
} as const;
export type OptimizerCode = (typeof OptimizerCode)[keyof typeof OptimizerCode];

/**
 * The parameters of one update step as the kernels take them: `rate` is lr for SGD and Adam's
 * a = lr sqrt(1 - b2^t) / (1 - b1^t) for step t (computed here in float64, so that every backend
 * and path uses the same value).
 */
export interface StepParams {
  code: OptimizerCode;
  rate: number;
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * The update of `count` parameters in float64 (the CPU backend's optimizer). `grads` are batch
 * sums; `gradScale` (1 / batch size) turns them into means. State slots follow the parameters.
 */
export function applyUpdate(
  s: StepParams,
  params: Float32Array,
  grads: Float32Array,
  gradScale: number,
  slot1: Float32Array,
  slot2: Float32Array,
): void {
  for (let i = 0; i < params.length; i++) {
    const g = grads[i] * gradScale;
    switch (s.code) {
      case OptimizerCode.SGD:
        params[i] = params[i] - s.rate * g;
        break;
      case OptimizerCode.Momentum:
        slot1[i] = s.momentum * slot1[i] - s.rate * g;
        params[i] = params[i] + slot1[i];
        break;
      case OptimizerCode.Nesterov:
        slot1[i] = s.momentum * slot1[i] - s.rate * g;
        params[i] = params[i] + s.momentum * slot1[i] - s.rate * g;
        break;
      case OptimizerCode.Adam:
        slot1[i] = slot1[i] + (g - slot1[i]) * (1 - s.beta1);
        slot2[i] = slot2[i] + (g * g - slot2[i]) * (1 - s.beta2);
        params[i] = params[i] - (s.rate * slot1[i]) / (Math.sqrt(slot2[i]) + s.epsilon);
        break;
    }
  }
}
/**
 * The code each kernel uses for an activation: the element-wise ones' codes (dense/activation.ts,
 * which every GEMM and activation kernel uses), and softmax for the fused trainers
 * (shaders/train_model.wgsl).
 */
export const ACTIVATION_CODE: Record<Activation, number> = { ...POINTWISE_CODE, softmax: 4 };

/** Applies `act` to each row of `z` ([rows, cols], in place), float64 arithmetic; `alpha`: leakyRelu's slope. */
export function applyActivation(act: Activation, z: Float32Array, cols: number, alpha = LEAKY_RELU_ALPHA): void {
  switch (act) {
    case 'leakyRelu':
      for (let i = 0; i < z.length; i++) z[i] = z[i] >= 0 ? z[i] : alpha * z[i];
      return;
    case 'linear':
      return;
    case 'sigmoid':
      for (let i = 0; i < z.length; i++) z[i] = 1 / (1 + Math.exp(-z[i]));
      return;
    case 'relu':
      for (let i = 0; i < z.length; i++) z[i] = z[i] > 0 ? z[i] : 0;
      return;
    case 'tanh':
      for (let i = 0; i < z.length; i++) z[i] = Math.tanh(z[i]);
      return;
    case 'softmax':
      for (let r = 0; r < z.length; r += cols) {
        let max = -Infinity;
        for (let c = 0; c < cols; c++) max = Math.max(max, z[r + c]);
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += Math.exp(z[r + c] - max);
        for (let c = 0; c < cols; c++) z[r + c] = Math.exp(z[r + c] - max) / sum;
      }
      return;
  }
}

/**
 * Back through the activation: given its output y and dL/dy, returns dL/dz per row
 * (softmax: y * (dy - <dy, y>), cpu.softmaxVjp's line).
 */
export function activationBackward(act: Activation, y: Float32Array, dy: Float32Array, cols: number, alpha = LEAKY_RELU_ALPHA): Float32Array {
  const dz = new Float32Array(y.length);
  switch (act) {
    case 'leakyRelu':
      for (let i = 0; i < y.length; i++) dz[i] = y[i] > 0 ? dy[i] : alpha * dy[i];
      break;
    case 'linear':
      dz.set(dy);
      break;
    case 'sigmoid':
      for (let i = 0; i < y.length; i++) dz[i] = dy[i] * y[i] * (1 - y[i]);
      break;
    case 'relu':
      for (let i = 0; i < y.length; i++) dz[i] = y[i] > 0 ? dy[i] : 0;
      break;
    case 'tanh':
      for (let i = 0; i < y.length; i++) dz[i] = dy[i] * (1 - y[i] * y[i]);
      break;
    case 'softmax':
      for (let r = 0; r < y.length; r += cols) softmaxVjpLine(y, dy, dz, r, cols);
      break;
  }
  return dz;
}
