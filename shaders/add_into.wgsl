// y += x element-wise. denseBackward on tensors larger than one storage binding computes the
// weight and bias gradients over ranges of batch rows; this sums each range's partial gradient
// into the result. One invocation per 4 elements.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: CountParams;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let first = (gridIndex(wid, nwg) * workgroupSize + lid) * 4u;
  let end = min(first + 4u, params.count);
  for (var i = first; i < end; i++) {
    y[i] += x[i];
  }
}
