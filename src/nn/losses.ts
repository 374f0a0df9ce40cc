/**
 * Losses and the accuracy metric, as Keras defines them, with the codes the kernels use. Per
 * sample (row) of outputs o and targets t, with n outputs:
 * - meanSquaredError: mean_j (o_j - t_j)^2;
 * - binaryCrossentropy: mean_j -(t_j log p_j + (1 - t_j) log(1 - p_j)), p = clip(o, 1e-7, 1 - 1e-7)
 *   (no gradient where the clip is active, as with tf.clip_by_value);
 * - categoricalCrossentropy on probabilities: -sum_j t_j log clip(o_j / sum(o), 1e-7, 1 - 1e-7);
 * - categorical/sparseCategoricalCrossentropy after a softmax output: the fused softmax
 *   cross-entropy from the logits, logsumexp(z) - sum_j t_j z_j, gradient softmax(z) - t. This is
 *   what Keras's TensorFlow backend computes too (it takes the logits of a softmax output).
 * The batch loss is the mean of the per-sample losses; the epoch loss is the sample-weighted mean
 * of the batch losses (Keras's `loss` in the history).
 *
 * 'accuracy' follows Keras's rule (by the shapes of targets and outputs): one output unit ->
 * binary accuracy (o > 0.5 equals t); class-index targets -> sparse categorical accuracy
 * (argmax o equals the index); otherwise categorical accuracy (argmax o equals argmax t).
 */
import { ArgumentError } from '../errors.js';
import { describe } from '../shape.js';

export type LossName = 'meanSquaredError' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

const LOSS_NAMES: Record<string, LossName> = {
  mse: 'meanSquaredError',
  meanSquaredError: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
  binaryCrossentropy: 'binaryCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};

export function parseLoss(op: string, value: unknown): LossName {
  const name = typeof value === 'string' ? LOSS_NAMES[value] : undefined;
  if (!name) {
    throw new ArgumentError(
      op,
      `loss must be 'mse' (or 'meanSquaredError'), 'binaryCrossentropy', 'categoricalCrossentropy' or 'sparseCategoricalCrossentropy', got ${describe(value)}`,
    );
  }
  return name;
}

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

/** Which accuracy 'accuracy' means for these outputs and targets (Keras's shape rule). */
export function accuracyKind(units: number, sparseTargets: boolean): MetricCode {
  if (units === 1) return MetricCode.BinaryAccuracy;
  return sparseTargets ? MetricCode.SparseCategoricalAccuracy : MetricCode.CategoricalAccuracy;
}

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
