// Softmax vector-Jacobian product over the last axis, one workgroup per row, for long rows and
// adapters with fast barriers (real GPUs): dx = s * (dy - <dy, s>). Invocation t accumulates
// s*dy over entries t, t + W, ... (contiguous across the workgroup); the W partial dots are
// summed by a tree in workgroup memory (workgroupSum, workgroup_sum.wgsl, appended by the host;
// log2 W barriers). Traffic: s and dy read twice, dx written once (20 bytes per element).
// workgroupSize must be a power of two.
//
// Special values as in softmax_vjp_lines.wgsl: a non-finite entry in the row of s or dy makes
// the dot non-finite, and the whole dx row is NaN.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override workgroupSize: u32 = 256;

const EXPONENT_BITS = 0x7f800000u;
const QUIET_NAN_BITS = 0x7fc00000u;

// A NaN made at run time: WGSL rejects NaN in constant expressions.
fn quietNaN() -> f32 {
  var bits = QUIET_NAN_BITS;
  return bitcast<f32>(bits);
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
  let row = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  if (row >= params.rows) {
    return;
  }
  let start = row * params.cols;
  let end = start + params.cols;

  var d = 0.0;
  for (var i = start + t; i < end; i += workgroupSize) {
    d += s[i] * dy[i];
  }
  let rowDot = workgroupSum(t, d);
  let nonFinite = (bitcast<u32>(rowDot) & EXPONENT_BITS) == EXPONENT_BITS;
  let nan = quietNaN();
  for (var i = start + t; i < end; i += workgroupSize) {
    dx[i] = select(s[i] * (dy[i] - rowDot), nan, nonFinite);
  }
}
