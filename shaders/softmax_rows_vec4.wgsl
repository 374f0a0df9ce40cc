// Softmax over the last axis, one invocation per row, rows read as vec4 (the host picks this
// kernel when the row length is a multiple of 4). No barriers and no shared memory, so it suits
// adapters where barriers are slow (SwiftShader) and short rows anywhere.
//
// Fast path, taken by rows with no NaN or infinity: pass 1 reads the row once, keeping a running
// max and normalizer per vec4 lane; it takes the max of four vec4s before rescaling, so it costs
// about one exp per element. Pass 2 reads the row again and writes exp(x - max) / sum. Traffic:
// 12 bytes per element. Pass 1 also sums the row: a NaN or an infinity anywhere makes that sum
// NaN or infinite (so does a sum of finite values that overflows, which merely takes the slow
// path), and such a row is redone by the careful path below, which classifies every entry. (The
// sum costs one add per vec4 where a bit test per vec4 cost three operations; with the normalizer
// blocks as a nested loop instead of a modulo test: 6-7% faster on SwiftShader, bench/HISTORY.md.)
//
// Special values as in softmax_lines.wgsl: bit tests, NaN poisons the row, +Inf entries share
// the row, -Inf entries get 0, a row of only -Inf is all zeros.

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
const QUIET_NAN_BITS = 0x7fc00000u;
const LOWEST_FINITE = -0x1.fffffep+127f;
// exp() of anything below this is 0 in f32; clamping keeps exp's argument finite when the
// difference of two extreme finite values overflows.
const EXP_FLOOR = -104.0;
const SUM_BLOCK = 64u;

// A NaN made at run time: WGSL rejects NaN in constant expressions.
fn quietNaN() -> f32 {
  var bits = QUIET_NAN_BITS;
  return bitcast<f32>(bits);
}

fn isSpecial(v: vec4f) -> vec4<bool> {
  return (bitcast<vec4u>(v) & vec4u(EXPONENT_BITS)) == vec4u(EXPONENT_BITS);
}

// Merges the four lanes' (max, normalizer) into the row's.
fn rowStats(m: vec4f, s: vec4f) -> vec2f {
  let rowMax = max(max(m.x, m.y), max(m.z, m.w));
  return vec2f(rowMax, dot(s, exp(max(m - rowMax, vec4f(EXP_FLOOR)))));
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

  var m = vec4f(LOWEST_FINITE);
  // The normalizer is summed in blocks of SUM_BLOCK vec4s (s) folded into total, both relative
  // to m: rounding error then grows with the block length plus the block count, not the row.
  var s = vec4f(0.0);
  var total = vec4f(0.0);
  var probe = vec4f(0.0);
  var i = start;
  let quadEnd = start + (params.vecsPerRow / 4u) * 4u;
  while (i < quadEnd) {
    total += s;
    s = vec4f(0.0);
    let blockEnd = min(i + SUM_BLOCK, quadEnd);
    for (; i < blockEnd; i += 4u) {
      let a = x[i];
      let b = x[i + 1u];
      let c = x[i + 2u];
      let d = x[i + 3u];
      probe += (a + b) + (c + d);
      let mNew = max(m, max(max(a, b), max(c, d)));
      let rescale = exp(max(m - mNew, vec4f(EXP_FLOOR)));
      s = s * rescale + ((exp(a - mNew) + exp(b - mNew)) + (exp(c - mNew) + exp(d - mNew)));
      total = total * rescale;
      m = mNew;
    }
  }
  for (; i < end; i++) {
    let a = x[i];
    probe += a;
    let mNew = max(m, a);
    let rescale = exp(max(m - mNew, vec4f(EXP_FLOOR)));
    s = s * rescale + exp(a - mNew);
    total = total * rescale;
    m = mNew;
  }
  s += total;

  if (!any(isSpecial(probe))) {
    let stats = rowStats(m, s);
    let invSum = 1.0 / stats.y;
    for (var j = start; j < end; j++) {
      y[j] = exp(x[j] - stats.x) * invSum;
    }
    return;
  }

  // Careful path: the row holds a NaN or an infinity.
  m = vec4f(LOWEST_FINITE);
  s = vec4f(0.0);
  total = vec4f(0.0);
  var positiveInfinities = 0u;
  var sawNaN = false;
  for (var j = start; j < end; j++) {
    if ((j - start) % SUM_BLOCK == 0u) {
      total += s;
      s = vec4f(0.0);
    }
    let v = x[j];
    let bits = bitcast<vec4u>(v);
    let specials = isSpecial(v);
    sawNaN = sawNaN || any(specials & ((bits & vec4u(0x7fffffffu)) != vec4u(POSITIVE_INFINITY_BITS)));
    positiveInfinities += dot(select(vec4u(0u), vec4u(1u), bits == vec4u(POSITIVE_INFINITY_BITS)), vec4u(1u));
    let finite = select(v, m, specials);
    let mNew = max(m, finite);
    let rescale = exp(max(m - mNew, vec4f(EXP_FLOOR)));
    s = s * rescale + select(exp(finite - mNew), vec4f(0.0), specials);
    total = total * rescale;
    m = mNew;
  }
  let stats = rowStats(m, total + s);
  let invSum = 1.0 / stats.y;
  let infinityShare = 1.0 / f32(max(positiveInfinities, 1u));
  for (var j = start; j < end; j++) {
    let v = x[j];
    var p: vec4f;
    if (sawNaN) {
      p = vec4f(quietNaN());
    } else if (positiveInfinities > 0u) {
      p = select(vec4f(0.0), vec4f(infinityShare), bitcast<vec4u>(v) == vec4u(POSITIVE_INFINITY_BITS));
    } else {
      p = select(exp(v - stats.x) * invSum, vec4f(0.0), isSpecial(v));
    }
    y[j] = p;
  }
}
