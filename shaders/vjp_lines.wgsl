// Vector-Jacobian product of softmax or log-softmax along one axis (y is the op's output, dy the
// upstream gradient), one invocation per line. The host appends the op's entry functions
// (softmax_vjp_scalar.wgsl: dx = y * (dy - <dy, y>), never building J, which is symmetric, so
// this is also the Jacobian-vector product; log_softmax_vjp_scalar.wgsl: dx = dy - exp(y) *
// sum(dy)). entry_lines.wgsl finds the line: strided for a non-last axis, with neighbouring
// invocations reading neighbouring addresses (no transpose). Traffic: the line read
// twice, dx written once (the second read from cache when the line fits). No barriers, no shared
// memory.

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: LineParams;

fn runLine(start: u32, length: u32, stride: u32) {
  // Two-level blocked summation (16 entries, then 16 blocks) keeps the rounding error of the sum
  // near (16 + 16 + length/256) ulp instead of length ulp; where a probability is near 1, dx
  // carries that error in full.
  var total = 0.0;
  var group = 0.0;
  var block = 0.0;
  for (var k = 0u; k < length; k++) {
    block += vjpTerm(start + k * stride);
    if ((k & 15u) == 15u) {
      group += block;
      block = 0.0;
      if ((k & 255u) == 255u) {
        total += group;
        group = 0.0;
      }
    }
  }
  total += group + block;
  for (var k = 0u; k < length; k++) {
    let at = start + k * stride;
    dx[at] = vjpValue(at, total);
  }
}
