// Bias gradient of a dense layer: db[j] = sum over rows b of dz[b, j], with dz = dy * act'(y)
// formed as it is read.
// One invocation per column; neighbouring invocations read neighbouring columns of a row, so
// the reads coalesce. Traffic: dy (and y) read once, db written once. Accumulates in f32 over the
// rows in order.

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;
@group(0) @binding(3) var<uniform> params: RowParams;

override workgroupSize: u32 = 64;
// An activation code of parts/activation.wgsl (appended by the host); ACT_LINEAR reads dz itself
// from `dy`. `alpha`: leakyRelu's slope.
override derivative: u32 = 0;
override alpha: f32 = 0.2;

alias ActValue = f32;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let col = gridIndex(wid, nwg) * workgroupSize + lid;
  if (col >= params.cols) {
    return;
  }
  var sum = 0.0;
  for (var row = 0u; row < params.rows; row++) {
    let at = row * params.cols + col;
    if (derivative == ACT_LINEAR) {
      sum += dy[at];
    } else {
      sum += dy[at] * activationSlope(derivative, alpha, y[at]);
    }
  }
  db[col] = sum;
}
