/** Softmax kernels (shaders/softmax_*.wgsl) and the rule that picks one per adapter and shape. */
import linesWgsl from '../../shaders/normalize_lines.wgsl?raw';
import rowsVec4Wgsl from '../../shaders/normalize_rows_vec4.wgsl?raw';
import splitStatsWgsl from '../../shaders/swiftshader/softmax_split_stats.wgsl?raw';
import splitWriteWgsl from '../../shaders/swiftshader/normalize_split_write.wgsl?raw';
import subgroupWgsl from '../../shaders/softmax_subgroup.wgsl?raw';
import workgroupWgsl from '../../shaders/normalize_workgroup.wgsl?raw';
import { ENTRY_LINES, ENTRY_ROWS, ENTRY_SEGMENTS, ENTRY_WORKGROUP_ROWS, ROW_PASS_LINES, ROW_PASS_VEC4, ROW_PASS_WORKGROUP, ROW_SOFTMAX, ROW_SPLIT_SEGMENT, SOFTMAX_OUTPUT, SOFTMAX_SPLIT_MERGE, SOFTMAX_WRITE_VEC4, withParts } from './wgsl-parts.js';
import type { KernelSpec } from '../gpu/kernel.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import type { Binding } from '../gpu/recorder.js';
import { forEachLineChunk } from './chunks.js';
import { dispatchPerLine } from './per-line.js';
import { dispatchRowSplit, rowSplitUsable, type RowSplitKernels } from './row-split.js';

const LINES: KernelSpec = { name: 'softmax_lines', code: withParts(linesWgsl, ENTRY_LINES, SOFTMAX_OUTPUT, ROW_PASS_LINES, ROW_SOFTMAX), bindings: ['read', 'write'] };
const ROWS_VEC4: KernelSpec = { name: 'softmax_rows_vec4', code: withParts(rowsVec4Wgsl, ENTRY_ROWS, SOFTMAX_WRITE_VEC4, ROW_PASS_VEC4, ROW_SOFTMAX), bindings: ['read', 'write'] };
/** Softmax's rows-split passes; logSoftmax's rows-split shares the first (same statistics). */
export const SOFTMAX_SPLIT_STATS: KernelSpec = { name: 'softmax_split_stats', code: withParts(splitStatsWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, ROW_PASS_VEC4), bindings: ['read', 'write'] };
const SPLIT: RowSplitKernels = {
  stats: SOFTMAX_SPLIT_STATS,
  write: { name: 'softmax_split_write', code: withParts(splitWriteWgsl, ENTRY_SEGMENTS, ROW_SPLIT_SEGMENT, SOFTMAX_SPLIT_MERGE, SOFTMAX_WRITE_VEC4, ROW_PASS_VEC4, ROW_SOFTMAX), bindings: ['read', 'read', 'write'] },
  partialBytes: 16,
};
const SUBGROUP: KernelSpec = { name: 'softmax_subgroup', code: withParts(subgroupWgsl, ENTRY_WORKGROUP_ROWS, ROW_PASS_LINES, ROW_SOFTMAX), bindings: ['read', 'write'], features: ['subgroups'] };
const WORKGROUP: KernelSpec = { name: 'softmax_workgroup', code: withParts(workgroupWgsl, ENTRY_WORKGROUP_ROWS, SOFTMAX_OUTPUT, ROW_PASS_WORKGROUP, ROW_PASS_LINES, ROW_SOFTMAX), bindings: ['read', 'write'] };

export const SOFTMAX_VARIANTS = ['lines', 'rows-vec4', 'rows-split', 'subgroup', 'workgroup'] as const;
export type SoftmaxVariant = (typeof SOFTMAX_VARIANTS)[number];

/** [outer, length, inner] view of the input around the softmax axis. */
export interface LineLayout {
  outer: number;
  length: number;
  inner: number;
}

/** The subgroup size when the adapter guarantees one, else null. */
function fixedSubgroupSize(gpu: GpuRuntime): number | null {
  const { subgroupMinSize, subgroupMaxSize } = gpu.info;
  if (!gpu.hasFeature('subgroups') || !subgroupMinSize || subgroupMinSize !== subgroupMaxSize) return null;
  return subgroupMinSize;
}

export function softmaxVariantUsable(gpu: GpuRuntime, variant: string, layout: LineLayout): boolean {
  switch (variant) {
    case 'lines':
      return true;
    case 'rows-vec4':
      return layout.inner === 1 && layout.length % 4 === 0;
    case 'rows-split':
      return rowSplitUsable(layout);
    case 'subgroup':
      return layout.inner === 1 && fixedSubgroupSize(gpu) !== null;
    case 'workgroup':
      return layout.inner === 1;
    default:
      return false;
  }
}

/** The default rule; see docs/kernels.md for the measurements behind it. */
export function chooseSoftmaxVariant(gpu: GpuRuntime, layout: LineLayout): SoftmaxVariant {
  if (layout.inner !== 1) return 'lines';
  const rows = layout.outer;
  const cols = layout.length;
  if (gpu.profile === 'swiftshader') {
    if (cols % 4 !== 0) return 'lines';
    return softmaxVariantUsable(gpu, 'rows-split', layout) ? 'rows-split' : 'rows-vec4';
  }
  if (cols < 32) return cols % 4 === 0 ? 'rows-vec4' : 'lines';
  if (rows < 1 || cols > 4096 || fixedSubgroupSize(gpu) === null) return 'workgroup';
  return 'subgroup';
}

/**
 * Records softmax of `x` into `y` with the given variant, in binding-sized chunks of lines when
 * the tensors outgrow one storage binding.
 */
export function recordSoftmax(gpu: GpuRuntime, op: string, variant: string, x: GPUBuffer, y: GPUBuffer, layout: LineLayout): void {
  if (layout.outer * layout.length * layout.inner === 0) return;
  forEachLineChunk(gpu, op, [x, y], layout, ([xRange, yRange], chunk) => dispatchSoftmax(gpu, op, variant, xRange, yRange, chunk));
}

function dispatchSoftmax(gpu: GpuRuntime, op: string, variant: string, x: Binding, y: Binding, layout: LineLayout): void {
  const { outer, length, inner } = layout;
  switch (variant) {
    case 'lines':
      dispatchPerLine(gpu, op, LINES, {}, [x, y], new Uint32Array([outer, length, inner]), outer * inner);
      return;
    case 'rows-vec4':
      dispatchPerLine(gpu, op, ROWS_VEC4, {}, [x, y], new Uint32Array([outer, length / 4]), outer);
      return;
    case 'rows-split':
      dispatchRowSplit(gpu, op, SPLIT, [x], y, layout);
      return;
    case 'subgroup': {
      const kernel = gpu.kernel(SUBGROUP, { workgroupSize: fixedSubgroupSize(gpu)! });
      gpu.dispatch(op, kernel, [x, y], new Uint32Array([outer, length]), outer);
      return;
    }
    case 'workgroup': {
      const kernel = gpu.kernel(WORKGROUP, { workgroupSize: 256 });
      gpu.dispatch(op, kernel, [x, y], new Uint32Array([outer, length]), outer);
      return;
    }
    default:
      throw new Error(`unknown softmax variant ${variant}`);
  }
}
