// Column sums of a row-major [rows, cols] array: out[j] = sum over r of a[r, j]. The bias
// gradient of a Dense layer (db = column sums of dz). One invocation per column walking down the
// rows; neighbouring invocations read neighbouring addresses, so each row is read once, coalesced.

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: RowParams;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let j = gridIndex(wid, nwg) * workgroupSize + lid;
  if (j >= params.cols) { return; }
  var sum = 0.0;
  for (var r = 0u; r < params.rows; r++) { sum += a[r * params.cols + j]; }
  out[j] = sum;
}
