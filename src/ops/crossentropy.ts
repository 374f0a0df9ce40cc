/** ctx.softmaxCrossEntropy: validate -> pick a kernel variant -> record the fused kernel (+ reduction). */
import type { Context } from '../context.js';
import type { Tensor } from '../tensor.js';
import { ShapeError, SizeLimitError } from '../errors.js';
import { formatShape, sameShape } from '../shape.js';
import { lastAxisLayout } from '../cpu/jacobian.js';
import {
  checkLabelIndices,
  parseCrossEntropyOptions,
  softmaxCrossEntropy as cpuCrossEntropy,
  type CrossEntropyOptions,
  type CrossEntropyResult,
} from '../cpu/crossentropy.js';
import {
  chooseCrossEntropyVariant,
  crossEntropyVariantUsable,
  planCrossEntropy,
  recordCrossEntropy,
  recordLossReduce,
} from '../kernels/crossentropy.js';

export function softmaxCrossEntropy(ctx: Context, logits: Tensor, labels: Tensor, options?: CrossEntropyOptions): CrossEntropyResult<Tensor> {
  const op = 'softmaxCrossEntropy';
  ctx.checkUsable(op);
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
  const lossShape = reduction === 'none' ? leading : [];
  if (indexLabels) {
    // On the GPU backend the context keeps the values it uploaded, so that labels can be checked
    // here, synchronously, before anything is recorded.
    const values = ctx.int32Values(labels);
    if (values) checkLabelIndices(op, values, layout.cols);
  }

  const gpu = ctx.gpu;
  if (!gpu) {
    const result = cpuCrossEntropy(logits.storage!.data as Float32Array, labels.storage!.data as Float32Array | Int32Array, [...logits.shape], {
      reduction,
    });
    return { loss: ctx.cpuOutput(lossShape, result.loss), grad: ctx.cpuOutput(logits.shape, result.grad) };
  }
  const variant = ctx.variants.resolve(op, chooseCrossEntropyVariant(gpu, layout), (v) => crossEntropyVariantUsable(v, layout));
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
    const buffers = { logits: logits.storage!.buffer!, labels: labels.storage!.buffer!, grad: grad.storage!.buffer!, rowLoss: rowLoss.storage!.buffer! };
    recordCrossEntropy(gpu, op, variant, buffers, indexLabels, layout, reduction === 'mean' ? meanScale : 1, chunks);
    if (reduction === 'none') return { loss: rowLoss, grad };
    const loss = ctx.gpuOutput(op, [], 'float32', 'loss');
    recordLossReduce(gpu, op, rowLoss.storage!.buffer!, loss.storage!.buffer!, rows, reduction === 'mean' ? meanScale : 1);
    rowLoss.destroy();
    return { loss, grad };
  });
}
