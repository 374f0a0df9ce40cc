// Part: the entry point of the kernels that give each workgroup one row (normalize_workgroup.wgsl,
// vjp_workgroup.wgsl, cross_entropy_workgroup.wgsl, jacobian_workgroup.wgsl,
// softmax_subgroup.wgsl). A whole workgroup leaves or runs together, so the kernels' barriers are
// reached by every invocation.
// Reads: the kernel's `params` (its field `rows`) and its runWorkgroupRow(row, t), the prelude.
// Defines: the override workgroupSize and the entry point `main`, which finds the workgroup's row
//   in the folded grid and runs it with t = the invocation's index in the workgroup.

override workgroupSize: u32 = 256;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
  let row = gridIndex(wid, nwg);
  if (row < params.rows) {
    runWorkgroupRow(row, t);
  }
}
