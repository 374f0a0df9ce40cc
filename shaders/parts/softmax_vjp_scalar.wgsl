// Part: softmaxVjp's math for the scalar vjp kernels (vjp_lines.wgsl, vjp_workgroup.wgsl), where y
// is the softmax output s: dx = s * (dy - <dy, s>), one entry at a time (softmax_vjp_sum.wgsl
// and softmax_vjp_write.wgsl are the vec4 passes).
// Reads: the kernel's `y`, `dy` and `dx` (array<f32>), the prelude.
// Defines: vjpTerm(i) (entry i's term of the line's sum) and vjpValue(i, dot) (dx at entry i).
//
// Special values: a NaN or infinity anywhere in the line of s or dy makes a product s*dy
// non-finite (0 * Inf is NaN), and a non-finite term keeps the sum non-finite, so one bit test on
// the dot finds it: the whole dx line is then NaN.

// Entry i's term of the line's sum.
fn vjpTerm(i: u32) -> f32 {
  return y[i] * dy[i];
}

// dx at entry i from the line's dot.
fn vjpValue(i: u32, dot: f32) -> f32 {
  let nonFinite = (bitcast<u32>(dot) & EXPONENT_BITS) == EXPONENT_BITS;
  return select(y[i] * (dy[i] - dot), quietNaN(), nonFinite);
}
