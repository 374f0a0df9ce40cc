/**
 * logSoftmax's and logSoftmaxVjp's kernels (the shared normalize_*.wgsl and vjp_*.wgsl kernels
 * with log-softmax's parts), one per row-wise variant. Apart from kernels.ts, whose softmax VJP
 * the dense layers and training use, so that they do not carry these.
 */
import logSoftmaxLinesWgsl from '../../../shaders/normalize_lines.wgsl?raw';
import logSoftmaxRowsVec4Wgsl from '../../../shaders/normalize_rows_vec4.wgsl?raw';
import logSoftmaxWorkgroupWgsl from '../../../shaders/normalize_workgroup.wgsl?raw';
import LOG_SOFTMAX_OUTPUT from '../../../shaders/parts/log_softmax_output.wgsl?raw';
import {
  ENTRY_LINES,
  ENTRY_ROWS,
  ENTRY_WORKGROUP_ROWS,
  LOG_SOFTMAX_VJP_SCALAR,
  LOG_SOFTMAX_VJP_SUM,
  LOG_SOFTMAX_VJP_WRITE,
  LOG_SOFTMAX_WRITE_VEC4,
  ROW_PASS_LINES,
  ROW_PASS_VEC4,
  ROW_PASS_WORKGROUP,
  ROW_SOFTMAX,
  withParts,
} from '../shared/wgsl-parts.js';
import { readWrite, vjpKernels, type RowwiseKernels } from './kernels.js';
import { LOG_SOFTMAX_SPLIT } from './swiftshader.js';

export const LOG_SOFTMAX_KERNELS: RowwiseKernels = {
  lines: { name: 'log_softmax_lines', code: withParts(logSoftmaxLinesWgsl, ENTRY_LINES, LOG_SOFTMAX_OUTPUT, ROW_PASS_LINES, ROW_SOFTMAX), bindings: readWrite(1) },
  rowsVec4: { name: 'log_softmax_rows_vec4', code: withParts(logSoftmaxRowsVec4Wgsl, ENTRY_ROWS, LOG_SOFTMAX_WRITE_VEC4, ROW_PASS_VEC4, ROW_SOFTMAX), bindings: readWrite(1) },
  split: LOG_SOFTMAX_SPLIT,
  workgroup: { name: 'log_softmax_workgroup', code: withParts(logSoftmaxWorkgroupWgsl, ENTRY_WORKGROUP_ROWS, LOG_SOFTMAX_OUTPUT, ROW_PASS_WORKGROUP, ROW_PASS_LINES, ROW_SOFTMAX), bindings: readWrite(1) },
};

export const LOG_SOFTMAX_VJP_KERNELS = /* @__PURE__ */ vjpKernels('log_softmax_vjp', LOG_SOFTMAX_VJP_SCALAR, LOG_SOFTMAX_VJP_SUM, LOG_SOFTMAX_VJP_WRITE);
