/**
 * The training loop's codes (as the kernels take them) and the CPU references of its per-row
 * math: losses and their gradients, metrics, optimizer updates and activations, in float64.
 * These are what the cpu backend runs for the training ops (ops.ts), written independently of
 * the WGSL.
 */
import { LEAKY_RELU_ALPHA, type Activation } from '../../linalg.js';
import { softmaxVjpLine } from '../rowwise/reference-vjp.js';
import { activate, slopeFromOutput } from '../dense/reference.js';
import { ACTIVATION_CODE as POINTWISE_CODE } from '../dense/activation.js';
import type { DropoutMask, StepRule } from './kernels.js';

/** The per-sample loss as the kernels compute it. */
export const LossCode = {
  MeanSquaredError: 0,
  BinaryCrossentropy: 1,
  /** Categorical cross-entropy on probabilities (normalized, clipped). */
  CategoricalCrossentropy: 2,
  /** Softmax cross-entropy from logits: the output stage runs without its softmax (or has none, fromLogits). */
  SoftmaxCrossentropy: 3,
  MeanAbsoluteError: 4,
  Huber: 5,
  /** Binary cross-entropy from logits (fromLogits). */
  SigmoidCrossentropy: 6,
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
  MeanAbsoluteError: 4,
  MeanSquaredError: 5,
} as const;
export type MetricCode = (typeof MetricCode)[keyof typeof MetricCode];

/** Keras's clipping epsilon, and 1 - epsilon, as float32 values (the bounds the kernels use). */
export const EPSILON = Math.fround(1e-7);
export const ONE_MINUS_EPSILON = Math.fround(1 - 1e-7);
/** The huber loss's delta (Keras's default). */
export const HUBER_DELTA = 1;

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
    case LossCode.MeanAbsoluteError: {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const d = out[offset + j] - t(j);
        sum += Math.abs(d);
        grad[offset + j] = Math.sign(d) / n;
      }
      return sum / n;
    }
    case LossCode.Huber: {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const d = out[offset + j] - t(j);
        const a = Math.abs(d);
        sum += a <= HUBER_DELTA ? 0.5 * d * d : HUBER_DELTA * (a - 0.5 * HUBER_DELTA);
        grad[offset + j] = Math.min(Math.max(d, -HUBER_DELTA), HUBER_DELTA) / n;
      }
      return sum / n;
    }
    case LossCode.SigmoidCrossentropy: {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const z = out[offset + j];
        sum += activate('softplus', 0, z) - z * t(j);
        grad[offset + j] = (activate('sigmoid', 0, z) - t(j)) / n;
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

/**
 * One row's metric value (1 correct, 0 wrong; binary accuracy: the fraction of outputs right;
 * mae, mse: the mean over the outputs).
 */
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
    case MetricCode.MeanAbsoluteError:
    case MetricCode.MeanSquaredError: {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const d = out[offset + j] - (target ? target[targetOffset + j] : j === index ? 1 : 0);
        sum += code === MetricCode.MeanAbsoluteError ? Math.abs(d) : d * d;
      }
      return sum / n;
    }
  }
}
/** The codes the kernels use. */
export const OptimizerCode = {
  SGD: 0,
  Momentum: 1,
  Nesterov: 2,
  Adam: 3,
  AdamW: 4,
  RMSprop: 5,
  RMSpropCentered: 6,
  Adagrad: 7,
} as const;
export type OptimizerCode = (typeof OptimizerCode)[keyof typeof OptimizerCode];

/**
 * The parameters of one update step as the kernels take them (parts/optimizer.wgsl's StepRule):
 * `rate` is lr, or for Adam and AdamW a = lr sqrt(1 - b2^t) / (1 - b1^t) for step t (computed
 * here in float64, so that every backend and path uses the same value); `rho` is RMSprop's,
 * `decay` AdamW's lr times weight decay.
 */
export interface StepParams extends StepRule {
  code: OptimizerCode;
}

/**
 * The update of `count` parameters in float64 (the CPU backend's optimizer). `grads` are batch
 * sums; `gradScale` (1 / batch size) turns them into means. `slots` are the parameters' state
 * slots 1 to 3.
 */
export function applyUpdate(s: StepParams, params: Float32Array, grads: Float32Array, gradScale: number, slots: [Float32Array, Float32Array, Float32Array]): void {
  const [slot1, slot2, slot3] = slots;
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
      case OptimizerCode.AdamW: {
        const p = s.code === OptimizerCode.AdamW ? params[i] - params[i] * s.decay : params[i];
        slot1[i] = slot1[i] + (g - slot1[i]) * (1 - s.beta1);
        slot2[i] = slot2[i] + (g * g - slot2[i]) * (1 - s.beta2);
        params[i] = p - (s.rate * slot1[i]) / (Math.sqrt(slot2[i]) + s.epsilon);
        break;
      }
      case OptimizerCode.RMSprop:
      case OptimizerCode.RMSpropCentered: {
        slot1[i] = s.rho * slot1[i] + (1 - s.rho) * g * g;
        let denominator = slot1[i] + s.epsilon;
        if (s.code === OptimizerCode.RMSpropCentered) {
          slot3[i] = s.rho * slot3[i] + (1 - s.rho) * g;
          denominator = slot1[i] - slot3[i] * slot3[i] + s.epsilon;
        }
        slot2[i] = s.momentum * slot2[i] + (s.rate * g) / Math.sqrt(denominator);
        params[i] = params[i] - slot2[i];
        break;
      }
      case OptimizerCode.Adagrad:
        slot1[i] = slot1[i] + g * g;
        params[i] = params[i] - (s.rate * g) / Math.sqrt(slot1[i] + s.epsilon);
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

/** Applies `act` to each row of `z` ([rows, cols], in place), float64 arithmetic; `alpha`: the activation's parameter (ActivationSpec). */
export function applyActivation(act: Activation, z: Float32Array, cols: number, alpha = LEAKY_RELU_ALPHA): void {
  if (act !== 'softmax') {
    for (let i = 0; i < z.length; i++) z[i] = activate(act, alpha, z[i]);
    return;
  }
  for (let r = 0; r < z.length; r += cols) {
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, z[r + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(z[r + c] - max);
    for (let c = 0; c < cols; c++) z[r + c] = Math.exp(z[r + c] - max) / sum;
  }
}

/**
 * Back through the activation: given its output y (its input z for gelu and swish,
 * slopeReadsInput) and dL/dy, returns dL/dz per row (softmax: y * (dy - <dy, y>), cpu.softmaxVjp's line).
 */
export function activationBackward(act: Activation, y: Float32Array, dy: Float32Array, cols: number, alpha = LEAKY_RELU_ALPHA): Float32Array {
  const dz = new Float32Array(y.length);
  if (act === 'softmax') {
    for (let r = 0; r < y.length; r += cols) softmaxVjpLine(y, dy, dz, r, cols);
  } else {
    for (let i = 0; i < y.length; i++) dz[i] = dy[i] * slopeFromOutput(act, alpha, y[i]);
  }
  return dz;
}

/** A rate's threshold and scale: an element is dropped where its hash's top 24 bits are below ceil(rate 2^24). */
export function dropoutRule(rate: number): { threshold: number; scale: number } {
  return { threshold: Math.ceil(rate * 2 ** 24), scale: Math.fround(1 / (1 - rate)) };
}

function dropoutMix(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** The counter-based hash of (seed, step, element) that shaders/parts/dropout.wgsl writes in WGSL. */
export function dropoutHash(seed: number, step: number, element: number): number {
  return dropoutMix((dropoutMix((dropoutMix(seed) ^ step) >>> 0) ^ element) >>> 0);
}

/** out[i] = x[i] * (0 where element i is dropped, else the scale): Dropout forward, and its gradient. */
export function applyDropout(x: Float32Array, m: DropoutMask): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = (dropoutHash(m.seed, m.step, i) >>> 8) >= m.threshold ? x[i] * m.scale : 0;
  return out;
}
