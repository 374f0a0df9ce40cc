/**
 * The row-wise ops' SwiftShader-only variant, rows-split (shaders/swiftshader/): a few long rows
 * cut into segments, one invocation reducing each, then one writing each from the row's merged
 * statistics. Only the `swiftshader` profile's rule picks it.
 */
import logSoftmaxSplitWriteWgsl from '../../../shaders/swiftshader/normalize_split_write.wgsl?raw';
import vjpSplitSumWgsl from '../../../shaders/swiftshader/vjp_split_sum.wgsl?raw';
import vjpSplitWriteWgsl from '../../../shaders/swiftshader/vjp_split_write.wgsl?raw';
import {
  ENTRY_SEGMENTS,
  LOG_SOFTMAX_WRITE_VEC4,
  ROW_PASS_VEC4,
  ROW_SOFTMAX,
  ROW_SPLIT_SEGMENT,
  SOFTMAX_SPLIT_MERGE,
  withParts,
} from '../shared/wgsl-parts.js';
import { dispatchRowSplit, rowSplitUsable, type RowSplitKernels } from '../shared/row-split.js';
import { SOFTMAX_SPLIT_STATS } from '../softmax/swiftshader.js';
import type { RowwiseVariant } from './kernels.js';

/** logSoftmax's passes: softmax's statistics, then its own write. */
export const LOG_SOFTMAX_SPLIT: RowSplitKernels = {
  stats: SOFTMAX_SPLIT_STATS,
  write: {
    name: 'log_softmax_split_write',
    code: withParts(logSoftmaxSplitWriteWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, SOFTMAX_SPLIT_MERGE, LOG_SOFTMAX_WRITE_VEC4, ROW_PASS_VEC4, ROW_SOFTMAX),
    bindings: ['read', 'read', 'write'],
  },
  partialBytes: 16,
};

/** A VJP's passes: the shared vjp_split_*.wgsl kernels with the VJP's vec4 parts (see kernels.ts). */
/* @__NO_SIDE_EFFECTS__ */
export function vjpSplitKernels(name: string, sum: string, write: string): RowSplitKernels {
  return {
    stats: { name: `${name}_split_sum`, code: withParts(vjpSplitSumWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, sum), bindings: ['read', 'read', 'write'] },
    write: { name: `${name}_split_write`, code: withParts(vjpSplitWriteWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, write), bindings: ['read', 'read', 'read', 'write'] },
    partialBytes: 4,
  };
}

export const rowsSplit: RowwiseVariant = {
  name: 'rows-split',
  usable: (_, layout) => rowSplitUsable(layout),
  record(gpu, op, kernels, bindings, layout) {
    dispatchRowSplit(gpu, op, kernels.split, bindings.slice(0, -1), bindings[bindings.length - 1], layout);
  },
};
