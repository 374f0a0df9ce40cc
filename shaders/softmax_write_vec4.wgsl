// Not a kernel: the host appends this to softmax_rows_vec4.wgsl and softmax_split_write.wgsl
// (src/kernels/wgsl-parts.ts), with row_pass_vec4.wgsl for isSpecial and the constants. Their
// pass 2: writes the including kernel's `y: array<vec4f>` over vec4s start .. end from `x` and
// the row's statistics.
//
// Special values as in softmax_lines.wgsl: NaN poisons the row, +Inf entries share the row,
// -Inf entries get 0, a row of only -Inf is all zeros.

// A row without NaN or infinities: exp(x - rowMax) * invSum.
fn writeRow(start: u32, end: u32, rowMax: f32, invSum: f32) {
  for (var j = start; j < end; j++) {
    y[j] = exp(x[j] - rowMax) * invSum;
  }
}

// A row with a NaN or an infinity, from the statistics of its finite entries and its counts.
fn writeCarefulRow(start: u32, end: u32, rowMax: f32, invSum: f32, positiveInfinities: u32, sawNaN: bool) {
  let infinityShare = 1.0 / f32(max(positiveInfinities, 1u));
  for (var j = start; j < end; j++) {
    let v = x[j];
    var p: vec4f;
    if (sawNaN) {
      p = vec4f(quietNaN());
    } else if (positiveInfinities > 0u) {
      p = select(vec4f(0.0), vec4f(infinityShare), bitcast<vec4u>(v) == vec4u(POSITIVE_INFINITY_BITS));
    } else {
      p = select(exp(v - rowMax) * invSum, vec4f(0.0), isSpecial(v));
    }
    y[j] = p;
  }
}
