// Part: log-softmax as the op of the shared vec4 row kernels (normalize_rows_vec4.wgsl and
// swiftshader/normalize_split_write.wgsl); softmax_write_vec4.wgsl is the other op they run.
// Their pass 2 over a run of vec4s of a row, from the row's statistics (max, sum of exp(x - max)
// over its finite entries).
// Reads: the kernel's `x: array<vec4f>` and `y: array<vec4f>`, RowStats, rowSoftmax and
//   logSoftmaxEntry4 (row_softmax.wgsl).
// Defines: writeRow (a row without NaN or infinities: (x - max) - log(sum)) and writeCarefulRow
//   (one with some).
//
// Special values as in row_softmax.wgsl: NaN poisons the row; +Inf entries get
// -log(count of +Inf), the rest -Inf; -Inf entries get -Inf; a row of only -Inf is all -Inf.

fn writeRow(start: u32, end: u32, stats: vec2f) {
  let rowMax = stats.x;
  let logSum = log(stats.y);
  for (var j = start; j < end; j++) {
    y[j] = (x[j] - rowMax) - logSum;
  }
}

fn writeCarefulRow(start: u32, end: u32, stats: vec2f, positiveInfinities: u32, sawNaN: bool) {
  let row = rowSoftmax(RowStats(stats.x, stats.y, positiveInfinities, sawNaN));
  for (var j = start; j < end; j++) {
    y[j] = logSoftmaxEntry4(x[j], row);
  }
}
