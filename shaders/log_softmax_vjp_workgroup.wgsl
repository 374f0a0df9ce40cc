// Vector-Jacobian product of log-softmax over the last axis, one workgroup per row, for long rows
// and adapters with fast barriers (real GPUs): dx = dy - exp(logProbs) * sum(dy). Invocation t
// sums dy over entries t, t + W, ... (contiguous across the workgroup); the W partial sums are
// added by a tree in workgroup memory (workgroupSum, workgroup_sum.wgsl, appended by the host;
// log2 W barriers). Traffic: dy read twice, logProbs once, dx written once (16 bytes per
// element). workgroupSize must be a power of two.
//
// Special values as in log_softmax_vjp_lines.wgsl.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> logProbs: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override workgroupSize: u32 = 256;

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
        @builtin(local_invocation_index) t: u32) {
  let row = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  if (row >= params.rows) {
    return;
  }
  let start = row * params.cols;
  let end = start + params.cols;

  var total = 0.0;
  for (var i = start + t; i < end; i += workgroupSize) {
    total += dy[i];
  }
  let rowSum = workgroupSum(t, total);
  let rowNaN = (bitcast<u32>(rowSum) & EXPONENT_BITS) == EXPONENT_BITS;
  let nan = quietNaN();
  for (var i = start + t; i < end; i += workgroupSize) {
    let lp = logProbs[i];
    let bits = bitcast<u32>(lp);
    // NaN or +Inf; -Inf is a probability of 0.
    let bad = (bits & EXPONENT_BITS) == EXPONENT_BITS && bits != NEGATIVE_INFINITY_BITS;
    let p = select(exp(lp), 0.0, bits == NEGATIVE_INFINITY_BITS);
    dx[i] = select(dy[i] - p * rowSum, nan, rowNaN || bad);
  }
}
