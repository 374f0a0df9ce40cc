// Part: logSoftmaxVjp's math for the scalar vjp kernels (vjp_lines.wgsl, vjp_workgroup.wgsl), where
// y is the log-softmax output (log-probabilities): dx = dy - exp(y) * sum(dy), one entry at a
// time (log_softmax_vjp_sum.wgsl and log_softmax_vjp_write.wgsl are the vec4 passes).
// Reads: the kernel's `y`, `dy` and `dx` (array<f32>), the prelude.
// Defines: vjpTerm(i) (entry i's term of the line's sum) and vjpValue(i, total) (dx at entry i).
//
// Special values: a NaN or infinity in the line of dy makes sum(dy) non-finite (one bit test on
// the sum finds it) and the whole dx line NaN; a NaN or +Inf in y gives NaN at that entry;
// y = -Inf (probability 0) gives dx = dy there.

// Entry i's term of the line's sum.
fn vjpTerm(i: u32) -> f32 {
  return dy[i];
}

// dx at entry i from the line's sum of dy.
fn vjpValue(i: u32, total: f32) -> f32 {
  let lineNaN = (bitcast<u32>(total) & EXPONENT_BITS) == EXPONENT_BITS;
  let lp = y[i];
  let bits = bitcast<u32>(lp);
  // NaN or +Inf; -Inf is a probability of 0.
  let bad = (bits & EXPONENT_BITS) == EXPONENT_BITS && bits != NEGATIVE_INFINITY_BITS;
  let p = select(exp(lp), 0.0, bits == NEGATIVE_INFINITY_BITS);
  return select(dy[i] - p * total, quietNaN(), lineNaN || bad);
}
