// Not a kernel: the host appends this to vjp_rows_vec4.wgsl and vjp_split_write.wgsl for
// ctx.logSoftmaxVjp (src/kernels/rowwise.ts), where y is the log-softmax output (log-probabilities).
// Pass 2 of dx = dy - exp(y) * sum(dy): writes a run of vec4s from the row's sum.
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
