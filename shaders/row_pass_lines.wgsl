// Not a kernel: the host appends this to the kernels that reduce a row (or a strided line) in
// one invocation, one entry at a time: softmax_lines.wgsl, log_softmax_lines.wgsl,
// cross_entropy_rows.wgsl, jacobian_rows.wgsl, jacobian_block.wgsl (src/kernels/wgsl-parts.ts).
// Their pass 1 over the including kernel's `x: array<f32>`.
//
// An online max and normalizer over the finite entries that rescales only when the max grows
// (rare after the first entries: about one exp per element), summed in blocks of SUM_BLOCK
// folded into a total, both relative to the max: rounding error then grows with the block length
// plus the block count, not with the line. +Inf entries are counted and NaNs noted, for the
// kernels' special-value rules.

const SUM_BLOCK = 256u;

struct LinePass {
  // Max of the finite entries (LOWEST_FINITE if none) and the sum of exp(x - max) over them.
  max: f32,
  sum: f32,
  positiveInfinities: u32,
  // The line holds a NaN.
  sawNaN: bool,
}

// Pass 1 over x[start], x[start + stride], ... (`length` entries).
fn linePass(start: u32, length: u32, stride: u32) -> LinePass {
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
        sawNaN = sawNaN || (bits & 0x7fffffffu) != POSITIVE_INFINITY_BITS;
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
  return LinePass(m, total + s, positiveInfinities, sawNaN);
}
