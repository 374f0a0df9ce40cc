// Part: softmax as the op of the shared vec4 row kernels (normalize_rows_vec4.wgsl and
// swiftshader/normalize_split_write.wgsl); log_softmax_write_vec4.wgsl is the other op they run.
// Their pass 2 over a run of vec4s of a row, from the row's statistics (max, sum of exp(x - max)
// over its finite entries).
// Reads: the kernel's `x: array<vec4f>` and `y: array<vec4f>`, RowStats, rowSoftmax and
//   softmaxEntry4 (row_softmax.wgsl).
// Defines: writeRow (a row without NaN or infinities) and writeCarefulRow (one with some).
//
// Special values as in row_softmax.wgsl: NaN poisons the row, +Inf entries share the row, -Inf
// entries get 0, a row of only -Inf is all zeros.

fn writeRow(start: u32, end: u32, stats: vec2f) {
  let rowMax = stats.x;
  let invSum = 1.0 / stats.y;
  for (var j = start; j < end; j++) {
    y[j] = exp(x[j] - rowMax) * invSum;
  }
}

fn writeCarefulRow(start: u32, end: u32, stats: vec2f, positiveInfinities: u32, sawNaN: bool) {
  let row = rowSoftmax(RowStats(stats.x, stats.y, positiveInfinities, sawNaN));
  for (var j = start; j < end; j++) {
    y[j] = softmaxEntry4(x[j], row);
  }
}
