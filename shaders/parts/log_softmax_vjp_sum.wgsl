// Part: pass 1 of logSoftmaxVjp for the vec4 vjp kernels (vjp_rows_vec4.wgsl, vjp_split_sum.wgsl):
// the sum(dy) of dx = dy - exp(y) * sum(dy) over a run of vec4s (y is not read).
// Reads: the kernel's `dy` (array<vec4f>).
// Defines: vjpSum(start, end).

// Two-level blocked summation per lane (8 vec4s, then 8 blocks) keeps the rounding error of the
// sum near (8 + 8 + length/256) ulp instead of length/4 ulp; where a probability is near 1, dx
// carries that error in full.
fn vjpSum(start: u32, end: u32) -> f32 {
  var partial = vec4f(0.0);
  var group = vec4f(0.0);
  var block = vec4f(0.0);
  for (var i = start; i < end; i++) {
    block += dy[i];
    let k = i - start;
    if ((k & 7u) == 7u) {
      group += block;
      block = vec4f(0.0);
      if ((k & 63u) == 63u) {
        partial += group;
        group = vec4f(0.0);
      }
    }
  }
  partial += group + block;
  // A non-finite partial sum keeps the total non-finite.
  return (partial.x + partial.y) + (partial.z + partial.w);
}
