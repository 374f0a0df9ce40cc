/**
 * Softmax's SwiftShader-only variant (shaders/swiftshader/softmax_split_*.wgsl): a few long rows,
 * each cut into segments reduced by one invocation each, then written after merging the row's
 * partial (max, sum). Only the `swiftshader` profile's rule picks it.
 */
import splitStatsWgsl from '../../../shaders/swiftshader/softmax_split_stats.wgsl?raw';
import splitWriteWgsl from '../../../shaders/swiftshader/normalize_split_write.wgsl?raw';
import {
  ENTRY_SEGMENTS,
  ROW_PASS_VEC4,
  ROW_SOFTMAX,
  ROW_SPLIT_SEGMENT,
  SOFTMAX_SPLIT_MERGE,
  SOFTMAX_WRITE_VEC4,
  withParts,
} from '../shared/wgsl-parts.js';
import type { KernelSpec } from '../../gpu/kernel.js';
import { dispatchRowSplit, rowSplitUsable, type RowSplitKernels } from '../shared/row-split.js';
import type { SoftmaxVariant } from './kernels.js';

/** Softmax's rows-split passes; logSoftmax's and cross-entropy's rows-split share the first (same statistics). */
export const SOFTMAX_SPLIT_STATS: KernelSpec = { name: 'softmax_split_stats', code: withParts(splitStatsWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, ROW_PASS_VEC4), bindings: ['read', 'write'] };
const SPLIT: RowSplitKernels = {
  stats: SOFTMAX_SPLIT_STATS,
  write: { name: 'softmax_split_write', code: withParts(splitWriteWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, SOFTMAX_SPLIT_MERGE, SOFTMAX_WRITE_VEC4, ROW_PASS_VEC4, ROW_SOFTMAX), bindings: ['read', 'read', 'write'] },
  partialBytes: 16,
};

export const rowsSplit: SoftmaxVariant = {
  name: 'rows-split',
  usable: (_, layout) => rowSplitUsable(layout),
  record(gpu, op, x, y, layout) {
    dispatchRowSplit(gpu, op, SPLIT, [x], y, layout);
  },
};
