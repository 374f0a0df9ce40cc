// Fused softmax cross-entropy for a few long rows, pass 3 of 3 (rows-split): one invocation per
// row adds the parts of its loss that cross_entropy_split_write.wgsl wrote per segment, in order
// (a NaN part keeps the loss NaN). The host appends row_split_segment.wgsl for the parameters.

@group(0) @binding(0) var<storage, read> segmentLoss: array<f32>;
@group(0) @binding(1) var<storage, read_write> loss: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = gridIndex(wid, nwg) * workgroupSize + lid;
  if (row >= params.rows) {
    return;
  }
  var total = 0.0;
  let first = row * params.segments;
  for (var s = first; s < first + params.segments; s++) {
    total += segmentLoss[s];
  }
  loss[row] = total;
}
