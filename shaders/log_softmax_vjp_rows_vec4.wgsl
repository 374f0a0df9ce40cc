// Vector-Jacobian product of log-softmax over the last axis, one invocation per row, vec4
// accesses (the host picks this kernel when the row length is a multiple of 4):
// dx = dy - exp(logProbs) * sum(dy). Traffic: dy read twice, logProbs once, dx written once
// (16 bytes per element). No barriers: the fast shape on SwiftShader.
//
// Special values as in log_softmax_vjp_lines.wgsl: a non-finite dy makes the whole dx row NaN;
// a NaN or +Inf in logProbs gives NaN at that entry; logProbs = -Inf gives dx = dy there.

struct Params {
  rows: u32,
  vecsPerRow: u32,
}

@group(0) @binding(0) var<storage, read> logProbs: array<vec4f>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;
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
  let row = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (row >= params.rows) {
    return;
  }
  let start = row * params.vecsPerRow;
  let end = start + params.vecsPerRow;

  // Two-level blocked summation per lane (8 vec4s, then 8 blocks) keeps the rounding error of the
  // sum near (8 + 8 + length/256) ulp instead of length/4 ulp; where a probability is near 1, dx
  // carries that error in full.
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
  let total = (partial.x + partial.y) + (partial.z + partial.w);
  let nan = vec4f(quietNaN());
  if ((bitcast<u32>(total) & EXPONENT_BITS) == EXPONENT_BITS) {
    for (var i = start; i < end; i++) {
      dx[i] = nan;
    }
    return;
  }
  let exponent = vec4u(EXPONENT_BITS);
  let negativeInfinity = vec4u(NEGATIVE_INFINITY_BITS);
  for (var i = start; i < end; i++) {
    let lp = logProbs[i];
    let bits = bitcast<vec4u>(lp);
    let isNegativeInfinity = bits == negativeInfinity;
    // NaN or +Inf; -Inf is a probability of 0.
    let bad = ((bits & exponent) == exponent) & !isNegativeInfinity;
    let p = select(exp(lp), vec4f(0.0), isNegativeInfinity);
    dx[i] = select(dy[i] - p * total, nan, bad);
  }
}
