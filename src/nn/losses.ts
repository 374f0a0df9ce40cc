/**
 * Losses and metrics, as Keras defines them, with the codes the kernels use. Per
 * sample (row) of outputs o and targets t, with n outputs:
 * - meanSquaredError: mean_j (o_j - t_j)^2;
 * - meanAbsoluteError: mean_j |o_j - t_j| (gradient sign(o_j - t_j), 0 where equal);
 * - huber: mean_j of d^2 / 2 where |d| <= 1, |d| - 1/2 beyond (d = o_j - t_j, delta 1);
 * - binaryCrossentropy: mean_j -(t_j log p_j + (1 - t_j) log(1 - p_j)), p = clip(o, 1e-7, 1 - 1e-7)
 *   (no gradient where the clip is active, as with tf.clip_by_value);
 * - categoricalCrossentropy on probabilities: -sum_j t_j log clip(o_j / sum(o), 1e-7, 1 - 1e-7);
 * - categorical/sparseCategoricalCrossentropy after a softmax output: the fused softmax
 *   cross-entropy from the logits, logsumexp(z) - sum_j t_j z_j, gradient softmax(z) - t. This is
 *   what Keras's TensorFlow backend computes too (it takes the logits of a softmax output).
 * - with `fromLogits: true` the outputs are logits: binary cross-entropy is mean_j of
 *   softplus(z_j) - t_j z_j (gradient sigmoid(z_j) - t_j, no clipping), categorical the fused
 *   softmax cross-entropy above.
 * The batch loss is the mean of the per-sample losses; the epoch loss is the sample-weighted mean
 * of the batch losses (Keras's `loss` in the history).
 *
 * Metrics: binaryAccuracy (o > 0.5 equals t, the fraction of a row's outputs), categoricalAccuracy
 * (argmax o equals argmax t), sparseCategoricalAccuracy (argmax o equals the class index), mae and
 * mse (means over a row's outputs); after a softmax output whose softmax runs inside the loss they
 * read the probabilities. 'accuracy' follows Keras's rule: binary accuracy for binary
 * cross-entropy or one output unit; sparse categorical accuracy for class-index targets;
 * otherwise categorical accuracy.
 */
import { ArgumentError } from '../errors.js';
import { describe } from '../shape.js';
import { checkOptions } from '../options.js';
import { LOSS_CONFIG } from './options.js';
import { MetricCode } from '../ops/training/reference.js';

export { EPSILON, LabelKind, LossCode, MetricCode, ONE_MINUS_EPSILON, lossRow, metricRow } from '../ops/training/reference.js';

export type LossName = 'meanSquaredError' | 'meanAbsoluteError' | 'huber' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

/** The object form of compile's `loss`, for the options a loss takes. */
export interface LossConfig {
  name: LossName | 'mse' | 'mae';
  /** Cross-entropies only: the outputs are logits (no sigmoid or softmax on the output layer). Default false. */
  fromLogits?: boolean;
}

const LOSS_NAMES: Record<string, LossName> = {
  mse: 'meanSquaredError',
  meanSquaredError: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
  mae: 'meanAbsoluteError',
  meanAbsoluteError: 'meanAbsoluteError',
  mean_absolute_error: 'meanAbsoluteError',
  huber: 'huber',
  binaryCrossentropy: 'binaryCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};

const CROSS_ENTROPIES: readonly LossName[] = ['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'];

export interface ParsedLoss {
  name: LossName;
  fromLogits: boolean;
}

/** compile's `loss`: a name, or { name, fromLogits } (fromLogits for the cross-entropies only). */
export function parseLoss(op: string, value: unknown): ParsedLoss {
  const config = value !== null && typeof value === 'object' && !Array.isArray(value) ? (checkOptions(op, value, LOSS_CONFIG, 'loss') as Partial<LossConfig>) : null;
  const given = config ? config.name : value;
  const name = typeof given === 'string' && Object.hasOwn(LOSS_NAMES, given) ? LOSS_NAMES[given] : undefined;
  if (!name) {
    throw new ArgumentError(
      op,
      `loss${config ? '.name' : ''} must be 'mse' (or 'meanSquaredError'), 'mae' (or 'meanAbsoluteError'), 'huber', 'binaryCrossentropy', 'categoricalCrossentropy' or 'sparseCategoricalCrossentropy'${config ? '' : ", or { name, fromLogits }"}, got ${describe(given)}`,
    );
  }
  const fromLogits = config?.fromLogits ?? false;
  if (typeof fromLogits !== 'boolean') throw new ArgumentError(op, `loss.fromLogits must be a boolean, got ${describe(fromLogits)}`);
  if (fromLogits && !CROSS_ENTROPIES.includes(name)) throw new ArgumentError(op, `loss.fromLogits applies to the cross-entropy losses, got it with '${name}'`);
  return { name, fromLogits };
}

/** A metric compile accepts; it is also the metric's History and logs key. */
export type MetricName =
  | 'accuracy'
  | 'acc'
  | 'binaryAccuracy'
  | 'categoricalAccuracy'
  | 'sparseCategoricalAccuracy'
  | 'mae'
  | 'meanAbsoluteError'
  | 'mse'
  | 'meanSquaredError';

/** The metric names compile accepts (Keras's and TF.js's spellings), by code; 'accuracy' and 'acc' are resolved per fit. */
const METRIC_NAMES: Record<string, MetricCode | 'accuracy'> = {
  accuracy: 'accuracy',
  acc: 'accuracy',
  binaryAccuracy: MetricCode.BinaryAccuracy,
  binary_accuracy: MetricCode.BinaryAccuracy,
  categoricalAccuracy: MetricCode.CategoricalAccuracy,
  categorical_accuracy: MetricCode.CategoricalAccuracy,
  sparseCategoricalAccuracy: MetricCode.SparseCategoricalAccuracy,
  sparse_categorical_accuracy: MetricCode.SparseCategoricalAccuracy,
  mae: MetricCode.MeanAbsoluteError,
  meanAbsoluteError: MetricCode.MeanAbsoluteError,
  mean_absolute_error: MetricCode.MeanAbsoluteError,
  mse: MetricCode.MeanSquaredError,
  meanSquaredError: MetricCode.MeanSquaredError,
  mean_squared_error: MetricCode.MeanSquaredError,
};

/** Metrics one model records at most. */
export const MAX_METRIC_COUNT = 4;

/** compile's `metrics`: distinct known names, at most MAX_METRIC_COUNT; each name is its History key. */
export function parseMetrics(op: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ArgumentError(op, `metrics must be an array like ['accuracy'], got ${describe(value)}`);
  const names: string[] = [];
  value.forEach((m, i) => {
    if (typeof m !== 'string' || !Object.hasOwn(METRIC_NAMES, m)) {
      throw new ArgumentError(op, `metrics[${i}] must be one of ${Object.keys(METRIC_NAMES).filter((n) => !n.includes('_')).map((n) => `'${n}'`).join(', ')}, got ${describe(m)}`);
    }
    if (names.includes(m)) throw new ArgumentError(op, `metrics[${i}]: '${m}' is given twice`);
    names.push(m);
  });
  if (names.length > MAX_METRIC_COUNT) throw new ArgumentError(op, `metrics: at most ${MAX_METRIC_COUNT} metrics, got ${names.length}`);
  return names;
}

/**
 * Which accuracy 'accuracy' means for this loss and these outputs and targets (Keras's rule):
 * binary accuracy for binary cross-entropy or one output unit, sparse categorical accuracy for
 * class-index targets, categorical accuracy otherwise.
 */
export function accuracyKind(loss: LossName, units: number, sparseTargets: boolean): MetricCode {
  if (loss === 'binaryCrossentropy' || units === 1) return MetricCode.BinaryAccuracy;
  return sparseTargets ? MetricCode.SparseCategoricalAccuracy : MetricCode.CategoricalAccuracy;
}

/** The code of a metric name parseMetrics accepted. */
export function metricCode(name: string, loss: LossName, units: number, sparseTargets: boolean): MetricCode {
  const code = METRIC_NAMES[name];
  return code === 'accuracy' ? accuracyKind(loss, units, sparseTargets) : code;
}
