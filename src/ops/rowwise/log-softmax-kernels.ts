/**
 * logSoftmax's and logSoftmaxVjp's kernels (shaders/log_softmax_*.wgsl, and the shared VJP kernels
 * with logSoftmaxVjp's parts), one per row-wise variant. Apart from kernels.ts, whose softmax VJP
 * the dense layers and training use, so that they do not carry these.
 */
import logSoftmaxLinesWgsl from '../../../shaders/log_softmax_lines.wgsl?raw';
import logSoftmaxRowsVec4Wgsl from '../../../shaders/log_softmax_rows_vec4.wgsl?raw';
import logSoftmaxWorkgroupWgsl from '../../../shaders/log_softmax_workgroup.wgsl?raw';
import {
  LOG_SOFTMAX_VJP_SCALAR,
  LOG_SOFTMAX_VJP_SUM,
  LOG_SOFTMAX_VJP_WRITE,
  LOG_SOFTMAX_WRITE_VEC4,
  ROW_PASS_LINES,
  ROW_PASS_VEC4,
  ROW_PASS_WORKGROUP,
  withParts,
} from '../shared/wgsl-parts.js';
import { readWrite, vjpKernels, type RowwiseKernels } from './kernels.js';
import { LOG_SOFTMAX_SPLIT } from './swiftshader.js';

export const LOG_SOFTMAX_KERNELS: RowwiseKernels = {
  lines: { name: 'log_softmax_lines', code: withParts(logSoftmaxLinesWgsl, ROW_PASS_LINES), bindings: readWrite(1) },
  rowsVec4: { name: 'log_softmax_rows_vec4', code: withParts(logSoftmaxRowsVec4Wgsl, LOG_SOFTMAX_WRITE_VEC4, ROW_PASS_VEC4), bindings: readWrite(1) },
  split: LOG_SOFTMAX_SPLIT,
  workgroup: { name: 'log_softmax_workgroup', code: withParts(logSoftmaxWorkgroupWgsl, ROW_PASS_LINES, ROW_PASS_WORKGROUP), bindings: readWrite(1) },
};

export const LOG_SOFTMAX_VJP_KERNELS = /* @__PURE__ */ vjpKernels('log_softmax_vjp', LOG_SOFTMAX_VJP_SCALAR, LOG_SOFTMAX_VJP_SUM, LOG_SOFTMAX_VJP_WRITE);
