// Bias gradient of a dense layer: db[j] = sum over rows b of dz[b, j], with dz = dy * act'(y)
// formed as it is read (`derivative` as in matmul_lanes.wgsl; 0 reads dz itself from `dy`).
// One invocation per column; neighbouring invocations read neighbouring columns of a row, so
// the reads coalesce. Traffic: dy (and y) read once, db written once. Accumulates in f32 over the
// rows in order.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> dy: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> db: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override workgroupSize: u32 = 64;
override derivative: u32 = 0;

fn slope(v: f32) -> f32 {
  switch derivative {
    case 1u: { return v * (1.0 - v); }
    case 2u: { return select(0.0, 1.0, v > 0.0); }
    case 3u: { return 1.0 - v * v; }
    default: { return 1.0; }
  }
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let col = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (col >= params.cols) {
    return;
  }
  var sum = 0.0;
  for (var row = 0u; row < params.rows; row++) {
    let at = row * params.cols + col;
    if (derivative == 0u) {
      sum += dy[at];
    } else {
      sum += dy[at] * slope(y[at]);
    }
  }
  db[col] = sum;
}
