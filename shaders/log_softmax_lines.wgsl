// Log-softmax along one axis, one invocation per line. A tensor is viewed as [outer, length,
// inner] around the axis; line (o, i) is the `length` entries o*length*inner + k*inner + i, so for
// a non-last axis neighbouring invocations read neighbouring addresses (coalesced, no transpose).
//
// Two passes: an online max/normalizer pass (read once), then y = (x - max) - log(sum) (read
// again, write once): 12 bytes of traffic per element. No barriers, no shared memory.
//
// Special values, detected with bit tests (compilers may fold `x != x`): the log of softmax's
// rules. Any NaN -> the whole line is NaN; +Inf entries get -log(count of +Inf), the rest -Inf;
// -Inf entries get -Inf, and a line of only -Inf is all -Inf.

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
const NEGATIVE_INFINITY_BITS = 0xff800000u;
const QUIET_NAN_BITS = 0x7fc00000u;
const LOWEST_FINITE = -0x1.fffffep+127f;
// exp() of anything below this is 0 in f32; clamping keeps exp's argument finite.
const EXP_FLOOR = -104.0;

// NaN and -Inf made at run time: WGSL rejects them in constant expressions.
fn fromBits(bits: u32) -> f32 {
  var b = bits;
  return bitcast<f32>(b);
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
  var s = 0.0;
  var positiveInfinities = 0u;
  var sawNaN = false;
  for (var k = 0u; k < params.length; k++) {
    let v = x[start + k * inner];
    let bits = bitcast<u32>(v);
    if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      sawNaN = sawNaN || (bits & 0x7fffffffu) != POSITIVE_INFINITY_BITS;
      positiveInfinities += select(0u, 1u, bits == POSITIVE_INFINITY_BITS);
    } else {
      // Rescale only when the max grows (rare after the first entries): one exp per element.
      if (v > m) {
        s *= exp(max(m - v, EXP_FLOOR));
        m = v;
      }
      s += exp(v - m);
    }
  }

  let logSum = log(s);
  let infinityLog = -log(f32(max(positiveInfinities, 1u)));
  let negativeInfinity = fromBits(NEGATIVE_INFINITY_BITS);
  let nan = fromBits(QUIET_NAN_BITS);
  for (var k = 0u; k < params.length; k++) {
    let at = start + k * inner;
    let v = x[at];
    let bits = bitcast<u32>(v);
    var r: f32;
    if (sawNaN) {
      r = nan;
    } else if (positiveInfinities > 0u) {
      r = select(negativeInfinity, infinityLog, bits == POSITIVE_INFINITY_BITS);
    } else if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      r = negativeInfinity;
    } else {
      r = (v - m) - logSum;
    }
    y[at] = r;
  }
}
