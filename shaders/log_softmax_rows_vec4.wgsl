// Log-softmax over the last axis, one invocation per row, rows read as vec4 (the host picks this
// kernel when the row length is a multiple of 4). Each lane of the vec4 keeps its own running
// max and normalizer, merged at the end of the first pass; the second pass writes
// y = (x - max) - log(sum). Traffic: read twice, write once (12 bytes per element); no barriers,
// the fast shape on SwiftShader.
//
// Special values as in log_softmax_lines.wgsl: NaN poisons the row; +Inf entries get
// -log(count of +Inf), the rest -Inf; -Inf entries get -Inf; a row of only -Inf is all -Inf.

struct Params {
  rows: u32,
  vecsPerRow: u32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 64;

const EXPONENT_BITS = 0x7f800000u;
const POSITIVE_INFINITY_BITS = 0x7f800000u;
const NEGATIVE_INFINITY_BITS = 0xff800000u;
const QUIET_NAN_BITS = 0x7fc00000u;
const LOWEST_FINITE = -0x1.fffffep+127f;
const EXP_FLOOR = -104.0;

// NaN and -Inf made at run time: WGSL rejects them in constant expressions.
fn fromBits(bits: u32) -> f32 {
  var b = bits;
  return bitcast<f32>(b);
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (row >= params.rows) {
    return;
  }
  let start = row * params.vecsPerRow;
  let end = start + params.vecsPerRow;
  let exponent = vec4u(EXPONENT_BITS);

  var m = vec4f(LOWEST_FINITE);
  var s = vec4f(0.0);
  var positiveInfinities = 0u;
  var sawNaN = false;
  for (var i = start; i < end; i++) {
    let v = x[i];
    let bits = bitcast<vec4u>(v);
    let special = (bits & exponent) == exponent;
    if (any(special)) {
      sawNaN = sawNaN || any(special & ((bits & vec4u(0x7fffffffu)) != exponent));
      positiveInfinities += dot(select(vec4u(0u), vec4u(1u), bits == vec4u(POSITIVE_INFINITY_BITS)), vec4u(1u));
    }
    let finite = select(v, m, special);
    // Rescale only when a lane's max grows (rare after the first entries): one exp per element
    // instead of two.
    if (any(finite > m)) {
      let mNew = max(m, finite);
      s *= exp(max(m - mNew, vec4f(EXP_FLOOR)));
      m = mNew;
    }
    s += select(exp(finite - m), vec4f(0.0), special);
  }
  let rowMax = max(max(m.x, m.y), max(m.z, m.w));
  let logSum = log(dot(s, exp(max(m - rowMax, vec4f(EXP_FLOOR)))));

  let negativeInfinity = vec4f(fromBits(NEGATIVE_INFINITY_BITS));
  if (sawNaN || positiveInfinities > 0u) {
    let nan = vec4f(fromBits(QUIET_NAN_BITS));
    let infinityLog = vec4f(-log(f32(max(positiveInfinities, 1u))));
    for (var i = start; i < end; i++) {
      let onInfinity = bitcast<vec4u>(x[i]) == vec4u(POSITIVE_INFINITY_BITS);
      y[i] = select(select(negativeInfinity, infinityLog, onInfinity), nan, vec4<bool>(sawNaN));
    }
    return;
  }
  for (var i = start; i < end; i++) {
    let v = x[i];
    let special = (bitcast<vec4u>(v) & exponent) == exponent;
    y[i] = select((v - rowMax) - logSum, negativeInfinity, special);
  }
}
