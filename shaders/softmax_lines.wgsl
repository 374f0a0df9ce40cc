// Softmax along one axis, one invocation per line. A tensor is viewed as [outer, length, inner]
// around the axis; line (o, i) is the `length` entries o*length*inner + k*inner + i. For the last
// axis (inner = 1) each invocation owns a row; for other axes neighbouring invocations read
// neighbouring addresses, so the strided case is coalesced without a transpose.
//
// Two passes over the line: an online max/normalizer pass (read once), then a normalize pass
// (read again, write once): 12 bytes of traffic per element. No barriers, no shared memory.
//
// Special values are found with bit tests on the exponent, because compilers may assume that
// floats are finite and fold `x != x` away (measured on SwiftShader). Per line: any NaN -> the
// whole line is NaN; +Inf entries share the line equally, the rest get 0; -Inf entries get 0, and
// a line of only -Inf is all zeros.

struct Params {
  outer: u32,
  length: u32,
  inner: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 64;

const EXPONENT_BITS = 0x7f800000u;
const POSITIVE_INFINITY_BITS = 0x7f800000u;
const QUIET_NAN_BITS = 0x7fc00000u;
const LOWEST_FINITE = -0x1.fffffep+127f;
// exp() of anything below this is 0 in f32; clamping keeps exp's argument finite when the
// difference of two extreme finite values overflows.
const EXP_FLOOR = -104.0;
const SUM_BLOCK = 256u;

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

  var m = LOWEST_FINITE;
  // The normalizer is summed in blocks (s) folded into total, both relative to m: the rounding
  // error then grows with the block length plus the block count, not with the row length.
  var s = 0.0;
  var total = 0.0;
  var positiveInfinities = 0u;
  var sawNaN = false;
  for (var k = 0u; k < params.length; k++) {
    if (k % SUM_BLOCK == 0u) {
      total += s;
      s = 0.0;
    }
    let v = x[start + k * inner];
    let bits = bitcast<u32>(v);
    if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      sawNaN = sawNaN || (bits & 0x7fffffffu) != POSITIVE_INFINITY_BITS;
      positiveInfinities += select(0u, 1u, bits == POSITIVE_INFINITY_BITS);
    } else {
      let mNew = max(m, v);
      let rescale = exp(max(m - mNew, EXP_FLOOR));
      s = s * rescale + exp(v - mNew);
      total = total * rescale;
      m = mNew;
    }
  }

  let invSum = 1.0 / (total + s);
  let infinityShare = 1.0 / f32(max(positiveInfinities, 1u));
  for (var k = 0u; k < params.length; k++) {
    let at = start + k * inner;
    let v = x[at];
    let bits = bitcast<u32>(v);
    var p: f32;
    if (sawNaN) {
      p = quietNaN();
    } else if (positiveInfinities > 0u) {
      p = select(0.0, infinityShare, bits == POSITIVE_INFINITY_BITS);
    } else if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      p = 0.0;
    } else {
      p = exp(v - m) * invSum;
    }
    y[at] = p;
  }
}
