/**
 * softmaxCrossEntropy's SwiftShader-only variant, rows-split (shaders/swiftshader/): softmax's
 * statistics per segment of a few long rows, each segment's gradient and part of the loss, the
 * parts added per row. Only the `swiftshader` profile's rule picks it.
 */
import splitLossWgsl from '../../../shaders/swiftshader/cross_entropy_split_loss.wgsl?raw';
import splitWriteWgsl from '../../../shaders/swiftshader/cross_entropy_split_write.wgsl?raw';
import {
  CROSS_ENTROPY_WRITE_VEC4,
  ENTRY_ROWS,
  ENTRY_SEGMENTS,
  ROW_PASS_VEC4,
  ROW_SPLIT_SEGMENT,
  SOFTMAX_SPLIT_MERGE,
  withParts,
} from '../shared/wgsl-parts.js';
import type { KernelSpec } from '../../gpu/kernel.js';
import { dispatchPerLine } from '../shared/per-line.js';
import { rowSegments, rowSplitParams, rowSplitUsable } from '../shared/row-split.js';
import { SOFTMAX_SPLIT_STATS } from '../softmax/swiftshader.js';
import { labelOverrides, type CrossEntropyVariant } from './kernels.js';

const SPLIT_WRITE: KernelSpec = {
  name: 'cross_entropy_split_write',
  code: withParts(splitWriteWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, SOFTMAX_SPLIT_MERGE, CROSS_ENTROPY_WRITE_VEC4, ROW_PASS_VEC4),
  bindings: ['read', 'read', 'read', 'write', 'write'],
};
const SPLIT_LOSS: KernelSpec = { name: 'cross_entropy_split_loss', code: withParts(splitLossWgsl, ENTRY_ROWS, ROW_SPLIT_SEGMENT), bindings: ['read', 'write'] };

export const rowsSplit: CrossEntropyVariant = {
  name: 'rows-split',
  usable: (_, layout) => rowSplitUsable({ outer: layout.rows, length: layout.cols, inner: 1 }),
  record(gpu, op, run) {
    const { rows, cols } = run.layout;
    const vecs = cols / 4;
    const segments = rowSegments(rows, vecs);
    const invocations = rows * segments.parts;
    const split = rowSplitParams(rows, vecs, segments, run.gradScale);
    const partials = gpu.allocate(op, invocations * 16, 'row partials');
    const parts = gpu.allocate(op, invocations * 4, 'loss parts');
    dispatchPerLine(gpu, op, SOFTMAX_SPLIT_STATS, {}, [run.logits, partials], split, invocations);
    dispatchPerLine(gpu, op, SPLIT_WRITE, labelOverrides(run), [run.logits, run.labels, partials, run.grad, parts], split, invocations);
    dispatchPerLine(gpu, op, SPLIT_LOSS, {}, [parts, run.rowLoss], split, rows);
    gpu.pool.release(partials);
    gpu.pool.release(parts);
  },
};
