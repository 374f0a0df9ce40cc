// Softmax vector-Jacobian product over the last axis, one invocation per row, vec4 accesses (the
// host picks this kernel when the row length is a multiple of 4): dx = s * (dy - <dy, s>), never
// building J (J is symmetric, so this is also the Jacobian-vector product). The dot is kept as a
// vec4 of partial sums and added up at the end of the first pass. Traffic: s and dy read twice,
// dx written once (20 bytes per element; the second read comes from cache when the rows of a
// SIMD group fit in it). No barriers: the fast shape on SwiftShader.
//
// Special values as in softmax_vjp_lines.wgsl: a non-finite entry in the row of s or dy makes
// the dot non-finite (0 * Inf is NaN), and the whole dx row is NaN.

struct Params {
  rows: u32,
  vecsPerRow: u32,
}

@group(0) @binding(0) var<storage, read> s: array<vec4f>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

override workgroupSize: u32 = 64;

const EXPONENT_BITS = 0x7f800000u;
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

  // Four vec4s per iteration: independent loads in flight, four partial dots.
  var partial = vec4f(0.0);
  var i = start;
  for (; i + 4u <= end; i += 4u) {
    partial += (s[i] * dy[i] + s[i + 1u] * dy[i + 1u]) + (s[i + 2u] * dy[i + 2u] + s[i + 3u] * dy[i + 3u]);
  }
  for (; i < end; i++) {
    partial += s[i] * dy[i];
  }
  // A non-finite partial sum keeps the total non-finite.
  let d = (partial.x + partial.y) + (partial.z + partial.w);
  if ((bitcast<u32>(d) & EXPONENT_BITS) == EXPONENT_BITS) {
    let nan = vec4f(quietNaN());
    for (var j = start; j < end; j++) {
      dx[j] = nan;
    }
    return;
  }
  i = start;
  for (; i + 4u <= end; i += 4u) {
    dx[i] = s[i] * (dy[i] - d);
    dx[i + 1u] = s[i + 1u] * (dy[i + 1u] - d);
    dx[i + 2u] = s[i + 2u] * (dy[i + 2u] - d);
    dx[i + 3u] = s[i + 3u] * (dy[i + 3u] - d);
  }
  for (; i < end; i++) {
    dx[i] = s[i] * (dy[i] - d);
  }
}
