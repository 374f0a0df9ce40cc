/** softmaxCrossEntropy: its definition (checks, reference, and the kernels of variants.ts) and its function. */
import type { CoreContext } from '../../core-context.js';
import type { Tensor } from '../../tensor.js';
import { tensorRange } from '../../gpu/tensor-range.js';
import { ShapeError, SizeLimitError } from '../../errors.js';
import { formatShape, lastAxisLayout, sameShape } from '../../shape.js';
import {
  checkLabelIndices,
  CROSS_ENTROPY_OPTIONS,
  parseCrossEntropyOptions,
  softmaxCrossEntropy as referenceCrossEntropy,
  type CrossEntropyOptions,
  type CrossEntropyResult,
  type Reduction,
} from './reference.js';
import { recordLossReduce, type CrossEntropyLayout } from './kernels.js';
import { planCrossEntropy, recordCrossEntropy, softmaxCrossEntropyVariants } from './variants.js';
import { chooseVariant, runOp, type OpDefinition } from '../definition.js';

interface CrossEntropyArgs {
  logits: Tensor;
  labels: Tensor;
  reduction: Reduction;
  layout: CrossEntropyLayout;
  leading: number[];
  lossShape: number[];
}

export const softmaxCrossEntropyOp: OpDefinition<[logits: Tensor, labels: Tensor, options: CrossEntropyOptions | undefined], CrossEntropyArgs, CrossEntropyResult<Tensor>> = {
  name: 'softmaxCrossEntropy',
  options: CROSS_ENTROPY_OPTIONS,
  check(ctx, logits, labels, options) {
    const op = 'softmaxCrossEntropy';
    ctx.input(op, 'logits', logits);
    ctx.input(op, 'labels', labels, null);
    const { reduction, axis } = parseCrossEntropyOptions(op, options);
    const layout = lastAxisLayout(op, logits.shape, axis, 'options.axis');
    const leading = logits.shape.slice(0, -1);
    const indexLabels = labels.dtype === 'int32';
    if (indexLabels) {
      if (!sameShape(labels.shape, leading)) {
        throw new ShapeError(op, `labels (int32 class indices) must have shape ${formatShape(leading)} for logits ${formatShape(logits.shape)}, got ${formatShape(labels.shape)}`);
      }
    } else if (!sameShape(labels.shape, logits.shape)) {
      throw new ShapeError(op, `labels (float32) must have the logits' shape ${formatShape(logits.shape)}, got ${formatShape(labels.shape)}`);
    }
    if (indexLabels) {
      // On the webgpu backend the context keeps the values it uploaded, so that labels are
      // checked here, synchronously, on both backends, before anything is recorded.
      const values = ctx.int32Values(labels);
      if (values) checkLabelIndices(op, values, layout.cols);
    }
    const lossShape = reduction === 'none' ? leading : [];
    return { logits, labels, reduction, layout, leading, lossShape };
  },
  reference(ctx, { logits, labels, reduction, lossShape }) {
    const result = referenceCrossEntropy(logits.storage!.data as Float32Array, labels.storage!.data as Float32Array | Int32Array, [...logits.shape], { reduction });
    return { loss: ctx.cpuOutput(lossShape, result.loss), grad: ctx.cpuOutput(logits.shape, result.grad) };
  },
  webgpu(ctx, gpu, { logits, labels, reduction, layout, leading }) {
    const op = 'softmaxCrossEntropy';
    const indexLabels = labels.dtype === 'int32';
    const variant = chooseVariant(ctx, gpu, softmaxCrossEntropyVariants, layout);
    // Tensors larger than one storage binding are split into ranges of rows; the 'mean' / 'sum'
    // reduction binds all row losses at once.
    const maxBinding = gpu.limits.maxStorageBufferBindingSize;
    const chunks = planCrossEntropy(gpu, layout, indexLabels);
    if (!chunks) {
      throw new SizeLimitError(op, `one row of ${layout.cols} logits (${layout.cols * 4} bytes) does not fit the device's maxStorageBufferBindingSize of ${maxBinding} bytes`);
    }
    if (reduction !== 'none' && layout.rows * 4 > maxBinding) {
      throw new SizeLimitError(op, `reduction '${reduction}' over ${layout.rows} rows needs ${layout.rows * 4} bytes of row losses in one binding, over the device's maxStorageBufferBindingSize of ${maxBinding} bytes; use reduction 'none'`);
    }
    const { rows } = layout;
    const meanScale = rows === 0 ? NaN : 1 / rows;
    return gpu.captured(op, () => {
      const grad = ctx.gpuOutput(op, logits.shape, 'float32', 'gradient');
      const rowLoss = ctx.gpuOutput(op, reduction === 'none' ? leading : [rows], 'float32', 'row losses');
      const buffers = { logits: tensorRange(logits), labels: tensorRange(labels), grad: tensorRange(grad), rowLoss: tensorRange(rowLoss) };
      recordCrossEntropy(gpu, op, variant, buffers, indexLabels, layout, reduction === 'mean' ? meanScale : 1, chunks);
      if (reduction === 'none') return { loss: rowLoss, grad };
      const loss = ctx.gpuOutput(op, [], 'float32', 'loss');
      recordLossReduce(gpu, op, tensorRange(rowLoss), tensorRange(loss), rows, reduction === 'mean' ? meanScale : 1);
      rowLoss.destroy();
      return { loss, grad };
    });
  },
};

/**
 * Softmax cross-entropy over the last axis, loss and gradient from one fused kernel.
 * `labels` is a float32 tensor of the logits' shape (probability rows or one-hot) or an int32
 * tensor of class indices, one per row (an index out of range throws an ArgumentError).
 * Per row, loss = -sum(labels * logSoftmax(logits)) (= logsumexp(x) - sum(labels * x) for
 * labels that sum to 1), computed without cancellation for logits of +-1e4, and
 * grad = softmax(logits) - labels. `options.reduction`: `'mean'` (default: the loss is the mean
 * over rows, a scalar tensor, and grad is divided by the number of rows), `'sum'`, or `'none'`
 * (one loss per row, shape logits.shape[:-1]).
 *
 * @example
 * const { loss, grad } = softmaxCrossEntropy(ctx, ctx.tensor([[2, 1, 0]]), ctx.tensor(new Int32Array([0])));
 * await loss.read(); // [0.4076]
 */
export function softmaxCrossEntropy(ctx: CoreContext, logits: Tensor, labels: Tensor, options?: CrossEntropyOptions): CrossEntropyResult<Tensor> {
  return runOp(ctx, softmaxCrossEntropyOp, logits, labels, options);
}
