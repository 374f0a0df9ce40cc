// Part: pass 2 of logSoftmaxVjp for the vec4 vjp kernels (vjp_rows_vec4.wgsl, vjp_split_write.wgsl),
// where y is the log-softmax output (log-probabilities): writes dx = dy - exp(y) * sum(dy) over a
// run of vec4s from the row's sum.
// Reads: the kernel's `y`, `dy` and `dx` (array<vec4f>), the prelude.
// Defines: vjpWrite(start, end, total).
//
// Special values as in log_softmax_vjp_scalar.wgsl: a non-finite dy makes the whole dx row NaN;
// a NaN or +Inf in y gives NaN at that entry; y = -Inf (a probability of 0) gives dx = dy there.

fn vjpWrite(start: u32, end: u32, total: f32) {
  let nan = vec4f(quietNaN());
  if ((bitcast<u32>(total) & EXPONENT_BITS) == EXPONENT_BITS) {
    for (var i = start; i < end; i++) {
      dx[i] = nan;
    }
    return;
  }
  let exponent = vec4u(EXPONENT_BITS);
  let negativeInfinity = vec4u(NEGATIVE_INFINITY_BITS);
  for (var i = start; i < end; i++) {
    let lp = y[i];
    let bits = bitcast<vec4u>(lp);
    let isNegativeInfinity = bits == negativeInfinity;
    // NaN or +Inf; -Inf is a probability of 0.
    let bad = ((bits & exponent) == exponent) & !isNegativeInfinity;
    let p = select(exp(lp), vec4f(0.0), isNegativeInfinity);
    dx[i] = select(dy[i] - p * total, nan, bad);
  }
}
