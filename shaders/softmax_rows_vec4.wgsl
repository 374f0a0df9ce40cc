// Softmax over the last axis, one invocation per row, rows read as vec4 (the host picks this
// kernel when the row length is a multiple of 4). No barriers and no shared memory, so it suits
// adapters where barriers are slow (SwiftShader) and short rows anywhere.
//
// Fast path, taken by rows with no NaN or infinity: pass 1 (fastRowPass, row_pass_vec4.wgsl,
// which the host appends) reads the row once for its max and normalizer; pass 2 reads it again
// and writes exp(x - max) / sum. Traffic: 12 bytes per element. A row with a NaN or an infinity
// is redone by the careful path below, which classifies every entry.
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

  let fast = fastRowPass(start, end);

  if (!fast.special) {
    let stats = fast.stats;
    let invSum = 1.0 / stats.y;
    for (var j = start; j < end; j++) {
      y[j] = exp(x[j] - stats.x) * invSum;
    }
    return;
  }

  // Careful path: the row holds a NaN or an infinity.
  let careful = carefulRowPass(start, end);
  let stats = careful.stats;
  let positiveInfinities = careful.positiveInfinities;
  let sawNaN = careful.sawNaN;
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
