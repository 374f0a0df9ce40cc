// Vector-Jacobian product of log-softmax along one axis, one invocation per line:
// dx = dy - exp(logProbs) * sum(dy). A tensor is viewed as [outer, length, inner] around the
// axis, so for a non-last axis neighbouring invocations read neighbouring addresses (no
// transpose). Traffic: dy read twice, logProbs once, dx written once (16 bytes per element).
// No barriers, no shared memory.
//
// Special values: a NaN or infinity in the line of dy makes sum(dy) non-finite (one bit test on
// the sum finds it) and the whole dx line NaN; a NaN or +Inf in logProbs gives NaN at that entry;
// logProbs = -Inf (probability 0) gives dx = dy there.

struct Params {
  outer: u32,
  length: u32,
  inner: u32,
}

@group(0) @binding(0) var<storage, read> logProbs: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override workgroupSize: u32 = 64;

const EXPONENT_BITS = 0x7f800000u;
const NEGATIVE_INFINITY_BITS = 0xff800000u;
const QUIET_NAN_BITS = 0x7fc00000u;

// A NaN made at run time: WGSL rejects NaN in constant expressions.
fn quietNaN() -> f32 {
  var bits = QUIET_NAN_BITS;
  return bitcast<f32>(bits);
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let line = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (line >= params.outer * params.inner) {
    return;
  }
  let inner = params.inner;
  let start = (line / inner) * params.length * inner + line % inner;

  // Two-level blocked summation (16 entries, then 16 blocks) keeps the rounding error of the sum
  // near (16 + 16 + length/256) ulp instead of length ulp; where a probability is near 1, dx
  // carries that error in full.
  var total = 0.0;
  var group = 0.0;
  var block = 0.0;
  for (var k = 0u; k < params.length; k++) {
    block += dy[start + k * inner];
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
  let nan = quietNaN();
  let lineNaN = (bitcast<u32>(total) & EXPONENT_BITS) == EXPONENT_BITS;
  for (var k = 0u; k < params.length; k++) {
    let at = start + k * inner;
    let lp = logProbs[at];
    let bits = bitcast<u32>(lp);
    // NaN or +Inf; -Inf is a probability of 0.
    let bad = (bits & EXPONENT_BITS) == EXPONENT_BITS && bits != NEGATIVE_INFINITY_BITS;
    let p = select(exp(lp), 0.0, bits == NEGATIVE_INFINITY_BITS);
    dx[at] = select(dy[at] - p * total, nan, lineNaN || bad);
  }
}
