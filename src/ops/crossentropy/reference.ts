/**
 * Reference fused softmax cross-entropy in plain TypeScript, float64 accumulation, written from
 * the definition: per row of logits x and labels l (a probability row, or a class index c),
 *   loss = -sum_j l_j * logSoftmax(x)_j   (= logsumexp(x) - sum_j l_j x_j when the row of l sums
 *                                           to 1; one-hot for an index)
 *   grad = softmax(x) - l                 (the gradient of that loss for such labels)
 * with 'mean' dividing both the summed loss and the gradient by the number of rows B.
 *
 * Special values (the same on the GPU; see docs/numerics.md):
 * - a NaN in a row of logits gives a NaN loss and a NaN gradient row;
 * - entries whose label is 0 contribute nothing to the loss, whatever their logit (a -Inf mask
 *   with label 0 is fine); a nonzero label on a -Inf logit gives an infinite loss;
 * - +Inf logits follow softmax's limit: -logSoftmax is log(count of +Inf) on them, +Inf elsewhere;
 * - a non-finite label makes that row's loss NaN; the gradient stays softmax(x) - l elementwise.
 */
import { ArgumentError, ShapeError } from '../../errors.js';
import { describe, formatShape, lastAxisLayout } from '../../shape.js';
import { checkData } from '../shared/check-data.js';
import { checkOptions, type OptionSchema } from '../../options.js';
import { lineStats, softmaxEntry, type LineStats } from '../softmax/reference.js';

export type Reduction = 'none' | 'mean' | 'sum';

export interface CrossEntropyOptions {
  /** How per-row losses are combined: `'mean'` (default), `'sum'`, or `'none'` (one per row). */
  reduction?: Reduction;
  /** The class axis; only the last (-1, the default) is supported for now. */
  axis?: number;
}

export interface CrossEntropyResult<T> {
  /** The loss: one value per row for `'none'`, else a single value. */
  loss: T;
  /** d loss / d logits, the shape of the logits. */
  grad: T;
}

/** The keys of softmaxCrossEntropy's options object (CrossEntropyOptions). */
export const CROSS_ENTROPY_OPTIONS: OptionSchema = { known: ['reduction', 'axis'] };

/** Validates the options object of softmaxCrossEntropy; returns the reduction and axis. */
export function parseCrossEntropyOptions(op: string, options: unknown): { reduction: Reduction; axis: unknown } {
  const { reduction = 'mean', axis = -1 } = checkOptions(op, options, CROSS_ENTROPY_OPTIONS) as CrossEntropyOptions;
  if (reduction !== 'none' && reduction !== 'mean' && reduction !== 'sum') {
    throw new ArgumentError(op, `options.reduction must be 'none', 'mean' or 'sum', got ${describe(reduction)}`);
  }
  return { reduction, axis };
}

/** Checks class-index labels against the number of classes; names the first bad one. */
export function checkLabelIndices(op: string, labels: Int32Array, classes: number): void {
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c < 0 || c >= classes) {
      throw new ArgumentError(op, `labels[${i}] = ${c} is out of range for ${classes} classes (expected 0..${classes - 1})`);
    }
  }
}

/** -logSoftmax(x)_j for one entry, with softmax's rules for infinities (NaN rows are handled by the caller). */
function negativeLogProb(v: number, stats: LineStats, logSum: number): number {
  if (stats.posInf > 0) return v === Infinity ? Math.log(stats.posInf) : Infinity;
  if (!Number.isFinite(v)) return Infinity;
  return stats.max - v + logSum;
}

/**
 * Softmax cross-entropy over the last axis of `logits` (shape [..., N]) with `labels` either a
 * Float32Array of the same shape (probability rows or one-hot) or an Int32Array of class indices
 * (shape [...]). Returns `loss` (length B for `'none'`, else 1) and `grad` (the logits' shape).
 *
 * @example
 * const { loss, grad } = cpu.softmaxCrossEntropy(new Float32Array([0, 0]), new Int32Array([1]), [1, 2]);
 * // loss [0.693], grad [0.5, -0.5]
 */
export function softmaxCrossEntropy(
  logits: Float32Array,
  labels: Float32Array | Int32Array,
  shape: number[],
  options?: CrossEntropyOptions,
): CrossEntropyResult<Float32Array> {
  const op = 'cpu.softmaxCrossEntropy';
  checkData(op, 'logits', logits, shape);
  const { reduction, axis } = parseCrossEntropyOptions(op, options);
  const { rows, cols } = lastAxisLayout(op, shape, axis, 'options.axis');
  const indices = labels instanceof Int32Array;
  if (indices) {
    if (labels.length !== rows) {
      throw new ShapeError(op, `labels (class indices) has ${labels.length} elements but logits ${formatShape(shape)} have ${rows} rows`);
    }
    checkLabelIndices(op, labels, cols);
  } else {
    checkData(op, 'labels', labels, shape);
  }

  const scale = reduction === 'mean' ? 1 / rows : 1;
  const rowLoss = new Float64Array(rows);
  const grad = new Float32Array(logits.length);
  for (let r = 0; r < rows; r++) {
    const start = r * cols;
    const stats = lineStats(logits, start, cols, 1);
    if (stats.nan) {
      rowLoss[r] = NaN;
      grad.fill(NaN, start, start + cols);
      continue;
    }
    const logSum = Math.log(stats.sum);
    let loss = 0;
    if (indices) {
      const c = labels[r];
      for (let j = 0; j < cols; j++) {
        grad[start + j] = (softmaxEntry(logits[start + j], stats) - (j === c ? 1 : 0)) * scale;
      }
      loss = negativeLogProb(logits[start + c], stats, logSum);
    } else {
      let labelsFinite = true;
      for (let j = 0; j < cols; j++) {
        const v = logits[start + j];
        const l = labels[start + j];
        grad[start + j] = (softmaxEntry(v, stats) - l) * scale;
        if (!Number.isFinite(l)) labelsFinite = false;
        else if (l !== 0) loss += l * negativeLogProb(v, stats, logSum);
      }
      if (!labelsFinite) loss = NaN;
    }
    rowLoss[r] = loss;
  }
  if (reduction === 'none') return { loss: Float32Array.from(rowLoss), grad };
  let total = 0;
  for (let r = 0; r < rows; r++) total += rowLoss[r];
  return { loss: new Float32Array([reduction === 'mean' ? total / rows : total]), grad };
}
