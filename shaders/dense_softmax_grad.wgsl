// Gradient through a row-wise softmax, for the backward pass of a dense layer with a softmax
// activation: dz[b, :] = y * (dy - <dy, y>) per row (the softmax VJP, from the output y alone).
// One invocation per row: a dot-product pass (reads dy and y) and a write pass (reads both again,
// writes dz): 20 bytes of traffic per element. Rows are short in dense layers (the layer's
// units), so one invocation per row keeps every lane busy without barriers.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dz: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (row >= params.rows) {
    return;
  }
  let start = row * params.cols;
  let end = start + params.cols;
  var dot = 0.0;
  for (var i = start; i < end; i++) {
    dot += dy[i] * y[i];
  }
  for (var i = start; i < end; i++) {
    dz[i] = y[i] * (dy[i] - dot);
  }
}
