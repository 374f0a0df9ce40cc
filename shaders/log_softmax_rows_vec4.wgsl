// Log-softmax over the last axis, one invocation per row, rows read as vec4 (the host picks this
// kernel when the row length is a multiple of 4). No barriers: the fast shape on SwiftShader.
//
// Fast path, taken by rows with no NaN or infinity: pass 1 (fastRowPass, row_pass_vec4.wgsl,
// which the host appends) reads the row once for its max and normalizer; pass 2 reads it again
// and writes y = (x - max) - log(sum). Traffic: 12 bytes per element. A row with a NaN or an
// infinity is redone by a careful path that classifies every entry.
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

const NEGATIVE_INFINITY_BITS = 0xff800000u;
const QUIET_NAN_BITS = 0x7fc00000u;

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

  let fast = fastRowPass(start, end);

  if (!fast.special) {
    let stats = fast.stats;
    let logSum = log(stats.y);
    for (var j = start; j < end; j++) {
      y[j] = (x[j] - stats.x) - logSum;
    }
    return;
  }

  // Careful path: the row holds a NaN or an infinity; classify every entry.
  let careful = carefulRowPass(start, end);
  let stats = careful.stats;
  let positiveInfinities = careful.positiveInfinities;
  let sawNaN = careful.sawNaN;
  let rowMax = stats.x;
  let rowSum = stats.y;
  let logSum = log(rowSum);
  let negativeInfinity = vec4f(fromBits(NEGATIVE_INFINITY_BITS));
  if (sawNaN || positiveInfinities > 0u) {
    let nan = vec4f(fromBits(QUIET_NAN_BITS));
    let infinityLog = vec4f(-log(f32(max(positiveInfinities, 1u))));
    for (var j = start; j < end; j++) {
      let onInfinity = bitcast<vec4u>(x[j]) == vec4u(POSITIVE_INFINITY_BITS);
      y[j] = select(select(negativeInfinity, infinityLog, onInfinity), nan, vec4<bool>(sawNaN));
    }
    return;
  }
  for (var j = start; j < end; j++) {
    let v = x[j];
    y[j] = select((v - rowMax) - logSum, negativeInfinity, isSpecial(v));
  }
}
