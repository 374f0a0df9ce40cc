/**
 * Kernels of the ops that reduce along one axis and then write one value per element:
 * logSoftmax, softmaxVjp and logSoftmaxVjp (shaders/<op>_{lines,rows_vec4,workgroup}.wgsl). Each
 * op has the same three variants and the same rule as softmax (see README "Kernel variants"):
 * - `lines`: one invocation per line, scalar, any axis (strided for a non-last axis, so no
 *   transpose and no host round trip);
 * - `rows-vec4`: one invocation per row of the last axis, vec4 loads, no barriers (row length a
 *   multiple of 4): the fast shape on SwiftShader, where barriers are expensive;
 * - `workgroup`: one workgroup per row with a tree reduction in workgroup memory: the shape for
 *   real GPUs, where one invocation per row leaves loads uncoalesced.
 */
import logSoftmaxLinesWgsl from '../../shaders/log_softmax_lines.wgsl?raw';
import logSoftmaxRowsVec4Wgsl from '../../shaders/log_softmax_rows_vec4.wgsl?raw';
import logSoftmaxWorkgroupWgsl from '../../shaders/log_softmax_workgroup.wgsl?raw';
import softmaxVjpLinesWgsl from '../../shaders/softmax_vjp_lines.wgsl?raw';
import softmaxVjpRowsVec4Wgsl from '../../shaders/softmax_vjp_rows_vec4.wgsl?raw';
import softmaxVjpWorkgroupWgsl from '../../shaders/softmax_vjp_workgroup.wgsl?raw';
import logSoftmaxVjpLinesWgsl from '../../shaders/log_softmax_vjp_lines.wgsl?raw';
import logSoftmaxVjpRowsVec4Wgsl from '../../shaders/log_softmax_vjp_rows_vec4.wgsl?raw';
import logSoftmaxVjpWorkgroupWgsl from '../../shaders/log_softmax_vjp_workgroup.wgsl?raw';
import { ROW_PASS_LINES, ROW_PASS_VEC4, ROW_PASS_WORKGROUP, WORKGROUP_SUM, withParts } from './wgsl-parts.js';
import type { BindingKind, KernelSpec } from '../gpu/kernel.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import type { Binding } from '../gpu/recorder.js';
import type { LineLayout } from './softmax.js';
import { forEachLineChunk } from './chunks.js';
import { dispatchPerLine } from './per-line.js';

export const ROWWISE_VARIANTS = ['lines', 'rows-vec4', 'workgroup'] as const;
export type RowwiseVariant = (typeof ROWWISE_VARIANTS)[number];

interface RowwiseKernels {
  lines: KernelSpec;
  rowsVec4: KernelSpec;
  workgroup: KernelSpec;
}

function kernels(name: string, inputs: number, lines: string, rowsVec4: string, workgroup: string): RowwiseKernels {
  const bindings: BindingKind[] = [...Array<BindingKind>(inputs).fill('read'), 'write'];
  return {
    lines: { name: `${name}_lines`, code: lines, bindings },
    rowsVec4: { name: `${name}_rows_vec4`, code: rowsVec4, bindings },
    workgroup: { name: `${name}_workgroup`, code: workgroup, bindings },
  };
}

export const LOG_SOFTMAX_KERNELS = kernels(
  'log_softmax',
  1,
  withParts(logSoftmaxLinesWgsl, ROW_PASS_LINES),
  withParts(logSoftmaxRowsVec4Wgsl, ROW_PASS_VEC4),
  withParts(logSoftmaxWorkgroupWgsl, ROW_PASS_LINES, ROW_PASS_WORKGROUP),
);
export const SOFTMAX_VJP_KERNELS = kernels(
  'softmax_vjp',
  2,
  softmaxVjpLinesWgsl,
  softmaxVjpRowsVec4Wgsl,
  withParts(softmaxVjpWorkgroupWgsl, WORKGROUP_SUM),
);
export const LOG_SOFTMAX_VJP_KERNELS = kernels(
  'log_softmax_vjp',
  2,
  logSoftmaxVjpLinesWgsl,
  logSoftmaxVjpRowsVec4Wgsl,
  withParts(logSoftmaxVjpWorkgroupWgsl, WORKGROUP_SUM),
);

export function rowwiseVariantUsable(variant: string, layout: LineLayout): boolean {
  switch (variant) {
    case 'lines':
      return true;
    case 'rows-vec4':
      return layout.inner === 1 && layout.length % 4 === 0;
    case 'workgroup':
      return layout.inner === 1;
    default:
      return false;
  }
}

/**
 * The default rule, softmax's without the subgroup kernel: SwiftShader runs one invocation per
 * row (vec4 when it can); real GPUs a workgroup per row once rows are long enough to feed one.
 */
export function chooseRowwiseVariant(gpu: GpuRuntime, layout: LineLayout): RowwiseVariant {
  if (layout.inner !== 1) return 'lines';
  const vec4 = layout.length % 4 === 0;
  if (gpu.profile === 'swiftshader' || layout.length < 32) return vec4 ? 'rows-vec4' : 'lines';
  return 'workgroup';
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
    case 'workgroup': {
      const kernel = gpu.kernel(specs.workgroup, { workgroupSize: 256 });
      gpu.dispatch(op, kernel, bindings, new Uint32Array([outer, length]), outer);
      return;
    }
    default:
      throw new Error(`unknown variant ${variant} of ${op}`);
  }
}
