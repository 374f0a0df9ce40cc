// Part: log-softmax as the op of the shared scalar row kernels (normalize_lines.wgsl,
// normalize_workgroup.wgsl); softmax_output.wgsl is the other op they run.
// Reads: RowSoftmax and logSoftmaxEntry (row_softmax.wgsl).
// Defines: rowOutput(v, row), the value written for entry v of a row.

fn rowOutput(v: f32, row: RowSoftmax) -> f32 {
  return logSoftmaxEntry(v, row);
}
