// Softmax over the last axis for a few long rows, pass 2 of 2 (rows-split; pass 1 is
// softmax_split_stats.wgsl): one invocation per (row, segment) merges the row's partials, in the
// same order in every invocation of the row, and writes its segment. Rows without NaN or
// infinities write exp(x - max) / sum; the others follow softmax_rows_vec4.wgsl's careful path
// (NaN poisons the row, +Inf entries share it, -Inf entries get 0). Traffic: x read twice, y
// written once (12 bytes per element) plus 16 bytes per segment and row. The host appends
// softmax_split_segment.wgsl and row_pass_vec4.wgsl (for isSpecial and the constants).

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> partials: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

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
  let id = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (id >= params.rows * params.segments) {
    return;
  }
  let segment = segmentOf(id);

  // The row's (max, normalizer) over its finite entries, its +Inf count and flags.
  var m = LOWEST_FINITE;
  var sum = 0.0;
  var positiveInfinities = 0.0;
  var flags = 0.0;
  let first = segment.row * params.segments;
  for (var s = first; s < first + params.segments; s++) {
    let p = partials[s];
    let mNew = max(m, p.x);
    sum = sum * exp(max(m - mNew, EXP_FLOOR)) + p.y * exp(max(p.x - mNew, EXP_FLOOR));
    m = mNew;
    positiveInfinities += p.z;
    flags = max(flags, p.w);
  }
  let invSum = 1.0 / sum;

  if (flags == 0.0) {
    for (var j = segment.start; j < segment.end; j++) {
      y[j] = exp(x[j] - m) * invSum;
    }
    return;
  }
  let infinityShare = 1.0 / max(positiveInfinities, 1.0);
  for (var j = segment.start; j < segment.end; j++) {
    let v = x[j];
    var p: vec4f;
    if (flags == 2.0) {
      p = vec4f(quietNaN());
    } else if (positiveInfinities > 0.0) {
      p = select(vec4f(0.0), vec4f(infinityShare), bitcast<vec4u>(v) == vec4u(POSITIVE_INFINITY_BITS));
    } else {
      p = select(exp(v - m) * invSum, vec4f(0.0), isSpecial(v));
    }
    y[j] = p;
  }
}
