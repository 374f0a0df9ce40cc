/**
 * Softmax's kernels for every adapter (the normalize_*.wgsl kernels it shares with logSoftmax,
 * with softmax's parts, and softmax_subgroup.wgsl), one variant object each.
 */
import linesWgsl from '../../../shaders/normalize_lines.wgsl?raw';
import rowsVec4Wgsl from '../../../shaders/normalize_rows_vec4.wgsl?raw';
import subgroupWgsl from '../../../shaders/softmax_subgroup.wgsl?raw';
import workgroupWgsl from '../../../shaders/normalize_workgroup.wgsl?raw';
import {
  ENTRY_LINES,
  ENTRY_ROWS,
  ENTRY_WORKGROUP_ROWS,
  ROW_PASS_LINES,
  ROW_PASS_VEC4,
  ROW_PASS_WORKGROUP,
  ROW_SOFTMAX,
  SOFTMAX_OUTPUT,
  SOFTMAX_WRITE_VEC4,
  withParts,
} from '../shared/wgsl-parts.js';
import type { KernelSpec } from '../../gpu/kernel.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { Binding } from '../../gpu/recorder.js';
import type { LineLayout } from '../shared/chunks.js';
import { dispatchPerLine } from '../shared/per-line.js';
import type { Variant } from '../definition.js';

/** A softmax variant records y = softmax(x) over lines that fit one binding. */
export type SoftmaxVariant = Variant<LineLayout, [x: Binding, y: Binding, layout: LineLayout]>;

const LINES: KernelSpec = { name: 'softmax_lines', code: withParts(linesWgsl, ENTRY_LINES, SOFTMAX_OUTPUT, ROW_PASS_LINES, ROW_SOFTMAX), bindings: ['read', 'write'] };
const ROWS_VEC4: KernelSpec = { name: 'softmax_rows_vec4', code: withParts(rowsVec4Wgsl, ENTRY_ROWS, SOFTMAX_WRITE_VEC4, ROW_PASS_VEC4, ROW_SOFTMAX), bindings: ['read', 'write'] };
const SUBGROUP: KernelSpec = { name: 'softmax_subgroup', code: withParts(subgroupWgsl, ENTRY_WORKGROUP_ROWS, ROW_PASS_LINES, ROW_SOFTMAX), bindings: ['read', 'write'], features: ['subgroups'] };
const WORKGROUP: KernelSpec = { name: 'softmax_workgroup', code: withParts(workgroupWgsl, ENTRY_WORKGROUP_ROWS, SOFTMAX_OUTPUT, ROW_PASS_WORKGROUP, ROW_PASS_LINES, ROW_SOFTMAX), bindings: ['read', 'write'] };

/** The subgroup size when the adapter guarantees one, else null. */
export function fixedSubgroupSize(gpu: GpuRuntime): number | null {
  const { subgroupMinSize, subgroupMaxSize } = gpu.info;
  if (!gpu.hasFeature('subgroups') || !subgroupMinSize || subgroupMinSize !== subgroupMaxSize) return null;
  return subgroupMinSize;
}

export const lines: SoftmaxVariant = {
  name: 'lines',
  usable: () => true,
  record(gpu, op, x, y, { outer, length, inner }) {
    dispatchPerLine(gpu, op, LINES, {}, [x, y], new Uint32Array([outer, length, inner]), outer * inner);
  },
};

export const rowsVec4: SoftmaxVariant = {
  name: 'rows-vec4',
  usable: (_, layout) => layout.inner === 1 && layout.length % 4 === 0,
  record(gpu, op, x, y, { outer, length }) {
    dispatchPerLine(gpu, op, ROWS_VEC4, {}, [x, y], new Uint32Array([outer, length / 4]), outer);
  },
};

export const subgroup: SoftmaxVariant = {
  name: 'subgroup',
  usable: (gpu, layout) => layout.inner === 1 && fixedSubgroupSize(gpu) !== null,
  record(gpu, op, x, y, { outer, length }) {
    const kernel = gpu.kernel(SUBGROUP, { workgroupSize: fixedSubgroupSize(gpu)! });
    gpu.dispatch(op, kernel, [x, y], new Uint32Array([outer, length]), outer);
  },
};

export const workgroup: SoftmaxVariant = {
  name: 'workgroup',
  usable: (_, layout) => layout.inner === 1,
  record(gpu, op, x, y, { outer, length }) {
    const kernel = gpu.kernel(WORKGROUP, { workgroupSize: 256 });
    gpu.dispatch(op, kernel, [x, y], new Uint32Array([outer, length]), outer);
  },
};
