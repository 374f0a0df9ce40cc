// Part: pass 1 of softmaxVjp for the vec4 vjp kernels (vjp_rows_vec4.wgsl, vjp_split_sum.wgsl),
// where y is the softmax output s: the dot <dy, s> of dx = s * (dy - <dy, s>) over a run of vec4s.
// Reads: the kernel's `y` and `dy` (array<vec4f>).
// Defines: vjpSum(start, end).

// <y, dy> over vec4s start .. end, kept as a vec4 of partial sums, four vec4s per iteration
// (independent loads in flight) and added up at the end.
fn vjpSum(start: u32, end: u32) -> f32 {
  var partial = vec4f(0.0);
  var i = start;
  for (; i + 4u <= end; i += 4u) {
    partial += (y[i] * dy[i] + y[i + 1u] * dy[i + 1u]) + (y[i + 2u] * dy[i + 2u] + y[i + 3u] * dy[i + 3u]);
  }
  for (; i < end; i++) {
    partial += y[i] * dy[i];
  }
  // A non-finite partial sum keeps the total non-finite.
  return (partial.x + partial.y) + (partial.z + partial.w);
}
