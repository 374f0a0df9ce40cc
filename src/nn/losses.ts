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
import { MetricCode } from '../ops/training/reference.js';

export { EPSILON, LabelKind, LossCode, MetricCode, ONE_MINUS_EPSILON, lossRow, metricRow } from '../ops/training/reference.js';

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

/** Which accuracy 'accuracy' means for these outputs and targets (Keras's shape rule). */
export function accuracyKind(units: number, sparseTargets: boolean): MetricCode {
  if (units === 1) return MetricCode.BinaryAccuracy;
  return sparseTargets ? MetricCode.SparseCategoricalAccuracy : MetricCode.CategoricalAccuracy;
}
