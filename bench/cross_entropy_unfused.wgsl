// The second kernel of the unfused cross-entropy baseline (`webgpu-nn-unfused` in the bench):
// given probabilities s = softmax(x) from a separate softmax dispatch and one class index per
// row, writes grad = (s - onehot) * scale and the row's loss -log(s_c). One invocation per row,
// vec4 accesses, the same shape as the fused kernel, so the comparison measures the fusion:
// this kernel reads s (4 bytes per element) and writes grad (4), on top of softmax's 12.

struct Params {
  rows: u32,
  vecsPerRow: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> s: array<vec4f>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read_write> grad: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (row >= params.rows) {
    return;
  }
  let start = row * params.vecsPerRow;
  let c = labels[row];
  let lane = vec4u(0u, 1u, 2u, 3u);
  for (var k = 0u; k < params.vecsPerRow; k++) {
    let onehot = select(vec4f(0.0), vec4f(1.0), lane + 4u * k == vec4u(c));
    grad[start + k] = (s[start + k] - onehot) * params.scale;
  }
  loss[row] = -log(s[start + c / 4u][c % 4u]);
}
