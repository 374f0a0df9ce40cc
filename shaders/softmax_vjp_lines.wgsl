// Softmax vector-Jacobian product along one axis, one invocation per line:
// dx = s * (dy - <dy, s>), never building J (J = diag(s) - s s^T is symmetric, so this is also
// the Jacobian-vector product). A tensor is viewed as [outer, length, inner] around the axis, so
// for a non-last axis neighbouring invocations read neighbouring addresses (no transpose).
// Traffic: s and dy read twice, dx written once (20 bytes per element, the second read from
// cache when the line fits). No barriers, no shared memory.
//
// Special values: a NaN or infinity anywhere in the line of s or dy makes a product s*dy
// non-finite (0 * Inf is NaN), and a non-finite term keeps the running dot non-finite, so one
// bit test on the dot finds it: the whole dx line is then NaN.

struct Params {
  outer: u32,
  length: u32,
  inner: u32,
}

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
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
  let line = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (line >= params.outer * params.inner) {
    return;
  }
  let inner = params.inner;
  let start = (line / inner) * params.length * inner + line % inner;

  var d = 0.0;
  for (var k = 0u; k < params.length; k++) {
    let at = start + k * inner;
    d += s[at] * dy[at];
  }
  let nonFinite = (bitcast<u32>(d) & EXPONENT_BITS) == EXPONENT_BITS;
  let nan = quietNaN();
  for (var k = 0u; k < params.length; k++) {
    let at = start + k * inner;
    dx[at] = select(s[at] * (dy[at] - d), nan, nonFinite);
  }
}
