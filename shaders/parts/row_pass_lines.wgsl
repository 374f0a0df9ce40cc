// Part: pass 1 of the kernels that reduce a row (or a strided line) in one invocation, one entry
// at a time (normalize_lines.wgsl, cross_entropy_rows.wgsl, jacobian_rows.wgsl,
// jacobian_block.wgsl), and of each invocation in row_pass_workgroup.wgsl.
// Reads: the kernel's `x: array<f32>`, RowStats (row_softmax.wgsl), the prelude.
// Defines: linePass(start, length, stride) and laneLinePass(start, end, lane, lanes).
//
// An online max and normalizer over the finite entries that rescales only when the max grows
// (rare after the first entries: about one exp per element), summed in blocks of SUM_BLOCK
// folded into a total, both relative to the max: rounding error then grows with the block length
// plus the block count, not with the line. +Inf entries are counted and NaNs noted, for the
// kernels' special-value rules.

const SUM_BLOCK = 256u;

// Pass 1 over x[start], x[start + stride], ... (`length` entries).
fn linePass(start: u32, length: u32, stride: u32) -> RowStats {
  var m = LOWEST_FINITE;
  var s = 0.0;
  var total = 0.0;
  var positiveInfinities = 0u;
  var sawNaN = false;
  var k = 0u;
  while (k < length) {
    total += s;
    s = 0.0;
    let blockEnd = min(k + SUM_BLOCK, length);
    for (; k < blockEnd; k++) {
      let v = x[start + k * stride];
      let bits = bitcast<u32>(v);
      if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
        sawNaN = sawNaN || (bits & ABS_BITS) != POSITIVE_INFINITY_BITS;
        positiveInfinities += select(0u, 1u, bits == POSITIVE_INFINITY_BITS);
      } else {
        if (v > m) {
          let rescale = exp(max(m - v, EXP_FLOOR));
          s *= rescale;
          total *= rescale;
          m = v;
        }
        s += exp(v - m);
      }
    }
  }
  return RowStats(m, total + s, positiveInfinities, sawNaN);
}

// Lane `lane` of `lanes` cooperating on x[start .. end): pass 1 over entries start + lane,
// start + lane + lanes, ... (contiguous across the lanes).
fn laneLinePass(start: u32, end: u32, lane: u32, lanes: u32) -> RowStats {
  let length = select(0u, (end - start - lane + lanes - 1u) / lanes, start + lane < end);
  return linePass(start + lane, length, lanes);
}
