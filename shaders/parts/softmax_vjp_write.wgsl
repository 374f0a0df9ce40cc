// Part: pass 2 of softmaxVjp for the vec4 vjp kernels (vjp_rows_vec4.wgsl, vjp_split_write.wgsl),
// where y is the softmax output s: writes dx = s * (dy - <dy, s>) over a run of vec4s from the
// row's dot.
// Reads: the kernel's `y`, `dy` and `dx` (array<vec4f>), the prelude.
// Defines: vjpWrite(start, end, dot).
//
// Special values as in softmax_vjp_scalar.wgsl: a non-finite entry in the row of s or dy makes
// the dot non-finite (0 * Inf is NaN), and the whole dx row is NaN.

fn vjpWrite(start: u32, end: u32, dot: f32) {
  if ((bitcast<u32>(dot) & EXPONENT_BITS) == EXPONENT_BITS) {
    let nan = vec4f(quietNaN());
    for (var j = start; j < end; j++) {
      dx[j] = nan;
    }
    return;
  }
  var i = start;
  for (; i + 4u <= end; i += 4u) {
    dx[i] = y[i] * (dy[i] - dot);
    dx[i + 1u] = y[i + 1u] * (dy[i + 1u] - dot);
    dx[i + 2u] = y[i + 2u] * (dy[i + 2u] - dot);
    dx[i + 3u] = y[i + 3u] * (dy[i + 3u] - dot);
  }
  for (; i < end; i++) {
    dx[i] = y[i] * (dy[i] - dot);
  }
}
