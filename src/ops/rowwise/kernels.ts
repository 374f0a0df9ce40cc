/**
 * Kernels of the ops that reduce along one axis and then write one value per element:
 * logSoftmax, softmaxVjp and logSoftmaxVjp. Each op has the same four variants and the same rule
 * as softmax (see docs/kernels.md); the variant objects here take the op's kernel set:
 * - `lines`: one invocation per line, scalar, any axis (strided for a non-last axis, so no
 *   transpose and no host round trip);
 * - `rows-vec4`: one invocation per row of the last axis, vec4 loads, no barriers (row length a
 *   multiple of 4): the fast shape on SwiftShader, where barriers are expensive;
 * - `rows-split` (swiftshader.ts): rows-vec4's passes over segments of a few long rows;
 * - `workgroup`: one workgroup per row with a tree reduction in workgroup memory: the shape for
 *   real GPUs, where one invocation per row leaves loads uncoalesced.
 * The two VJPs share their kernels (vjp_*.wgsl), which run the op's math from its parts.
 */
import vjpLinesWgsl from '../../../shaders/vjp_lines.wgsl?raw';
import vjpWorkgroupWgsl from '../../../shaders/vjp_workgroup.wgsl?raw';
import vjpRowsVec4Wgsl from '../../../shaders/vjp_rows_vec4.wgsl?raw';
import {
  ENTRY_LINES,
  ENTRY_ROWS,
  ENTRY_WORKGROUP_ROWS,
  SOFTMAX_VJP_SCALAR,
  SOFTMAX_VJP_SUM,
  SOFTMAX_VJP_WRITE,
  WORKGROUP_SUM,
  withParts,
} from '../shared/wgsl-parts.js';
import type { BindingKind, KernelSpec } from '../../gpu/kernel.js';
import type { Binding } from '../../gpu/recorder.js';
import type { LineLayout } from '../shared/chunks.js';
import { dispatchPerLine } from '../shared/per-line.js';
import type { RowSplitKernels } from '../shared/row-split.js';
import type { Variant } from '../definition.js';
import { vjpSplitKernels } from './swiftshader.js';

/** One row-wise op's kernels, one per variant. */
export interface RowwiseKernels {
  lines: KernelSpec;
  rowsVec4: KernelSpec;
  split: RowSplitKernels;
  workgroup: KernelSpec;
}

/** A row-wise variant records the op's kernel over `bindings` (its inputs, then its output). */
export type RowwiseVariant = Variant<LineLayout, [kernels: RowwiseKernels, bindings: readonly Binding[], layout: LineLayout]>;

/* @__NO_SIDE_EFFECTS__ */
export function readWrite(inputs: number): BindingKind[] {
  return [...Array<BindingKind>(inputs).fill('read'), 'write'];
}

/**
 * A VJP's kernels: the shared vjp_*.wgsl kernels with the op's parts, its entry functions
 * (`scalar`: vjpTerm, vjpValue) for the lines and workgroup kernels and its two vec4 passes
 * (`sum`: vjpSum, `write`: vjpWrite) for rows-vec4 and rows-split.
 */
/* @__NO_SIDE_EFFECTS__ */
export function vjpKernels(name: string, scalar: string, sum: string, write: string): RowwiseKernels {
  return {
    lines: { name: `${name}_lines`, code: withParts(vjpLinesWgsl, ENTRY_LINES, scalar), bindings: readWrite(2) },
    rowsVec4: { name: `${name}_rows_vec4`, code: withParts(vjpRowsVec4Wgsl, ENTRY_ROWS, sum, write), bindings: readWrite(2) },
    split: vjpSplitKernels(name, sum, write),
    workgroup: { name: `${name}_workgroup`, code: withParts(vjpWorkgroupWgsl, ENTRY_WORKGROUP_ROWS, scalar, WORKGROUP_SUM), bindings: readWrite(2) },
  };
}

export const SOFTMAX_VJP_KERNELS = /* @__PURE__ */ vjpKernels('softmax_vjp', SOFTMAX_VJP_SCALAR, SOFTMAX_VJP_SUM, SOFTMAX_VJP_WRITE);

export const lines: RowwiseVariant = {
  name: 'lines',
  usable: () => true,
  record(gpu, op, kernels, bindings, { outer, length, inner }) {
    dispatchPerLine(gpu, op, kernels.lines, {}, bindings, new Uint32Array([outer, length, inner]), outer * inner);
  },
};

export const rowsVec4: RowwiseVariant = {
  name: 'rows-vec4',
  usable: (_, layout) => layout.inner === 1 && layout.length % 4 === 0,
  record(gpu, op, kernels, bindings, { outer, length }) {
    dispatchPerLine(gpu, op, kernels.rowsVec4, {}, bindings, new Uint32Array([outer, length / 4]), outer);
  },
};

export const workgroup: RowwiseVariant = {
  name: 'workgroup',
  usable: (_, layout) => layout.inner === 1,
  record(gpu, op, kernels, bindings, { outer, length }) {
    const kernel = gpu.kernel(kernels.workgroup, { workgroupSize: 256 });
    gpu.dispatch(op, kernel, bindings, new Uint32Array([outer, length]), outer);
  },
};
