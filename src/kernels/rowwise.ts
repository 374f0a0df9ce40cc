/**
 * Kernels of the ops that reduce along one axis and then write one value per element:
 * logSoftmax, softmaxVjp and logSoftmaxVjp. Each op has the same four variants and the same rule
 * as softmax (see docs/kernels.md):
 * - `lines`: one invocation per line, scalar, any axis (strided for a non-last axis, so no
 *   transpose and no host round trip);
 * - `rows-vec4`: one invocation per row of the last axis, vec4 loads, no barriers (row length a
 *   multiple of 4): the fast shape on SwiftShader, where barriers are expensive;
 * - `rows-split`: rows-vec4's passes over segments of a few long rows (row-split.ts);
 * - `workgroup`: one workgroup per row with a tree reduction in workgroup memory: the shape for
 *   real GPUs, where one invocation per row leaves loads uncoalesced.
 * The two VJPs share their kernels (vjp_*.wgsl), which run the op's math from its parts.
 */
import normalizeLinesWgsl from '../../shaders/normalize_lines.wgsl?raw';
import normalizeRowsVec4Wgsl from '../../shaders/normalize_rows_vec4.wgsl?raw';
import normalizeSplitWriteWgsl from '../../shaders/swiftshader/normalize_split_write.wgsl?raw';
import normalizeWorkgroupWgsl from '../../shaders/normalize_workgroup.wgsl?raw';
import vjpLinesWgsl from '../../shaders/vjp_lines.wgsl?raw';
import vjpWorkgroupWgsl from '../../shaders/vjp_workgroup.wgsl?raw';
import vjpRowsVec4Wgsl from '../../shaders/vjp_rows_vec4.wgsl?raw';
import vjpSplitSumWgsl from '../../shaders/swiftshader/vjp_split_sum.wgsl?raw';
import vjpSplitWriteWgsl from '../../shaders/swiftshader/vjp_split_write.wgsl?raw';
// WGSL parts, in two lists to keep the lines short.
import { ENTRY_LINES, ENTRY_ROWS, ENTRY_SEGMENTS, ENTRY_WORKGROUP_ROWS, ROW_PASS_LINES, ROW_PASS_VEC4, ROW_PASS_WORKGROUP, ROW_SOFTMAX, ROW_SPLIT_SEGMENT, withParts } from './wgsl-parts.js';
import { LOG_SOFTMAX_OUTPUT, LOG_SOFTMAX_VJP_SCALAR, LOG_SOFTMAX_VJP_SUM, LOG_SOFTMAX_VJP_WRITE, LOG_SOFTMAX_WRITE_VEC4, SOFTMAX_SPLIT_MERGE, SOFTMAX_VJP_SCALAR, SOFTMAX_VJP_SUM, SOFTMAX_VJP_WRITE, WORKGROUP_SUM } from './wgsl-parts.js';
import type { BindingKind, KernelSpec } from '../gpu/kernel.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import type { Binding } from '../gpu/recorder.js';
import { SOFTMAX_SPLIT_STATS, type LineLayout } from './softmax.js';
import { forEachLineChunk } from './chunks.js';
import { dispatchPerLine } from './per-line.js';
import { dispatchRowSplit, rowSplitUsable, type RowSplitKernels } from './row-split.js';

export const ROWWISE_VARIANTS = ['lines', 'rows-vec4', 'rows-split', 'workgroup'] as const;
export type RowwiseVariant = (typeof ROWWISE_VARIANTS)[number];

interface RowwiseKernels {
  lines: KernelSpec;
  rowsVec4: KernelSpec;
  split: RowSplitKernels;
  workgroup: KernelSpec;
}

/* @__NO_SIDE_EFFECTS__ */
function readWrite(inputs: number): BindingKind[] {
  return [...Array<BindingKind>(inputs).fill('read'), 'write'];
}

export const LOG_SOFTMAX_KERNELS: RowwiseKernels = {
  lines: { name: 'log_softmax_lines', code: withParts(normalizeLinesWgsl, ENTRY_LINES, LOG_SOFTMAX_OUTPUT, ROW_PASS_LINES, ROW_SOFTMAX), bindings: readWrite(1) },
  rowsVec4: { name: 'log_softmax_rows_vec4', code: withParts(normalizeRowsVec4Wgsl, ENTRY_ROWS, LOG_SOFTMAX_WRITE_VEC4, ROW_PASS_VEC4, ROW_SOFTMAX), bindings: readWrite(1) },
  split: {
    stats: SOFTMAX_SPLIT_STATS,
    write: {
      name: 'log_softmax_split_write',
      code: withParts(normalizeSplitWriteWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, SOFTMAX_SPLIT_MERGE, LOG_SOFTMAX_WRITE_VEC4, ROW_PASS_VEC4, ROW_SOFTMAX),
      bindings: readWrite(2),
    },
    partialBytes: 16,
  },
  workgroup: { name: 'log_softmax_workgroup', code: withParts(normalizeWorkgroupWgsl, ENTRY_WORKGROUP_ROWS, LOG_SOFTMAX_OUTPUT, ROW_PASS_WORKGROUP, ROW_PASS_LINES, ROW_SOFTMAX), bindings: readWrite(1) },
};

/**
 * A VJP's kernels: the shared vjp_*.wgsl kernels with the op's parts, its entry functions
 * (`scalar`: vjpTerm, vjpValue) for the lines and workgroup kernels and its two vec4 passes
 * (`sum`: vjpSum, `write`: vjpWrite) for rows-vec4 and rows-split.
 */
/* @__NO_SIDE_EFFECTS__ */
function vjpKernels(name: string, scalar: string, sum: string, write: string): RowwiseKernels {
  return {
    lines: { name: `${name}_lines`, code: withParts(vjpLinesWgsl, ENTRY_LINES, scalar), bindings: readWrite(2) },
    rowsVec4: { name: `${name}_rows_vec4`, code: withParts(vjpRowsVec4Wgsl, ENTRY_ROWS, sum, write), bindings: readWrite(2) },
    split: {
      stats: { name: `${name}_split_sum`, code: withParts(vjpSplitSumWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, sum), bindings: readWrite(2) },
      write: { name: `${name}_split_write`, code: withParts(vjpSplitWriteWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, write), bindings: readWrite(3) },
      partialBytes: 4,
    },
    workgroup: { name: `${name}_workgroup`, code: withParts(vjpWorkgroupWgsl, ENTRY_WORKGROUP_ROWS, scalar, WORKGROUP_SUM), bindings: readWrite(2) },
  };
}

export const SOFTMAX_VJP_KERNELS = vjpKernels('softmax_vjp', SOFTMAX_VJP_SCALAR, SOFTMAX_VJP_SUM, SOFTMAX_VJP_WRITE);
export const LOG_SOFTMAX_VJP_KERNELS = vjpKernels('log_softmax_vjp', LOG_SOFTMAX_VJP_SCALAR, LOG_SOFTMAX_VJP_SUM, LOG_SOFTMAX_VJP_WRITE);

export function rowwiseVariantUsable(variant: string, layout: LineLayout): boolean {
  switch (variant) {
    case 'lines':
      return true;
    case 'rows-vec4':
      return layout.inner === 1 && layout.length % 4 === 0;
    case 'rows-split':
      return rowSplitUsable(layout);
    case 'workgroup':
      return layout.inner === 1;
    default:
      return false;
  }
}

/**
 * The default rule, softmax's without the subgroup kernel: SwiftShader runs one invocation per
 * row (vec4 when it can), a few long rows in segments; real GPUs a workgroup per row once rows
 * are long enough to feed one.
 */
export function chooseRowwiseVariant(gpu: GpuRuntime, layout: LineLayout): RowwiseVariant {
  if (layout.inner !== 1) return 'lines';
  const vec4 = layout.length % 4 === 0;
  if (gpu.profile === 'swiftshader') return rowSplitUsable(layout) ? 'rows-split' : vec4 ? 'rows-vec4' : 'lines';
  if (layout.length < 32) return vec4 ? 'rows-vec4' : 'lines';
  return 'workgroup';
}

/**
 * dx = y * (dy - <dy, y>) over `rows` rows of `cols` already bound, with the rule's variant: the
 * gradient through a softmax activation in denseBackward and in the training loop, so that every
 * softmax gradient runs these kernels and follows ctx.softmaxVjp's rules.
 */
export function recordSoftmaxVjpRows(gpu: GpuRuntime, op: string, y: Binding, dy: Binding, dx: Binding, rows: number, cols: number): void {
  if (rows * cols === 0) return;
  const layout = { outer: rows, length: cols, inner: 1 };
  dispatchRowwise(gpu, op, SOFTMAX_VJP_KERNELS, chooseRowwiseVariant(gpu, layout), [y, dy, dx], layout);
}

/**
 * Records `variant` over `buffers` (the inputs then the output, all of the layout's size), in
 * binding-sized chunks of lines when the tensors outgrow one storage binding.
 */
export function recordRowwise(
  gpu: GpuRuntime,
  op: string,
  specs: RowwiseKernels,
  variant: string,
  buffers: readonly GPUBuffer[],
  layout: LineLayout,
): void {
  if (layout.outer * layout.length * layout.inner === 0) return;
  forEachLineChunk(gpu, op, buffers, layout, (bindings, chunk) => dispatchRowwise(gpu, op, specs, variant, bindings, chunk));
}

function dispatchRowwise(
  gpu: GpuRuntime,
  op: string,
  specs: RowwiseKernels,
  variant: string,
  bindings: readonly Binding[],
  layout: LineLayout,
): void {
  const { outer, length, inner } = layout;
  switch (variant) {
    case 'lines':
      dispatchPerLine(gpu, op, specs.lines, {}, bindings, new Uint32Array([outer, length, inner]), outer * inner);
      return;
    case 'rows-vec4':
      dispatchPerLine(gpu, op, specs.rowsVec4, {}, bindings, new Uint32Array([outer, length / 4]), outer);
      return;
    case 'rows-split':
      dispatchRowSplit(gpu, op, specs.split, bindings.slice(0, -1), bindings[bindings.length - 1], layout);
      return;
    case 'workgroup': {
      const kernel = gpu.kernel(specs.workgroup, { workgroupSize: 256 });
      gpu.dispatch(op, kernel, bindings, new Uint32Array([outer, length]), outer);
      return;
    }
    default:
      throw new Error(`unknown variant ${variant} of ${op}`);
  }
}
