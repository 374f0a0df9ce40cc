// Not a kernel: the host appends this to log_softmax_rows_vec4.wgsl and
// log_softmax_split_write.wgsl (src/kernels/wgsl-parts.ts), with row_pass_vec4.wgsl for isSpecial
// and the constants. Their pass 2: writes the including kernel's `y: array<vec4f>` over vec4s
// start .. end from `x` and the row's statistics.
//
// Special values as in log_softmax_lines.wgsl: NaN poisons the row; +Inf entries get
// -log(count of +Inf), the rest -Inf; -Inf entries get -Inf; a row of only -Inf is all -Inf.

// A row without NaN or infinities: (x - rowMax) - log(sum).
fn writeLogRow(start: u32, end: u32, rowMax: f32, logSum: f32) {
  for (var j = start; j < end; j++) {
    y[j] = (x[j] - rowMax) - logSum;
  }
}

// A row with a NaN or an infinity, from the statistics of its finite entries and its counts.
fn writeCarefulLogRow(start: u32, end: u32, rowMax: f32, logSum: f32, positiveInfinities: u32, sawNaN: bool) {
  let negativeInfinity = vec4f(fromBits(NEGATIVE_INFINITY_BITS));
  if (sawNaN || positiveInfinities > 0u) {
    let nan = vec4f(fromBits(QUIET_NAN_BITS));
    let infinityLog = vec4f(-log(f32(max(positiveInfinities, 1u))));
    for (var j = start; j < end; j++) {
      let onInfinity = bitcast<vec4u>(x[j]) == vec4u(POSITIVE_INFINITY_BITS);
      y[j] = select(select(negativeInfinity, infinityLog, onInfinity), nan, vec4<bool>(sawNaN));
    }
    return;
  }
  for (var j = start; j < end; j++) {
    let v = x[j];
    y[j] = select((v - rowMax) - logSum, negativeInfinity, isSpecial(v));
  }
}
