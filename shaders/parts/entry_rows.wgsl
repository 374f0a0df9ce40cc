// Part: the entry point of the kernels that give each invocation one row (normalize_rows_vec4.wgsl,
// vjp_rows_vec4.wgsl, cross_entropy_rows*.wgsl, cross_entropy_split_loss.wgsl).
// Reads: the kernel's `params` (its field `rows`) and its runRow(row), the prelude.
// Defines: the override workgroupSize and the entry point `main`, which finds the invocation's row
//   in the folded grid and runs it.

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = gridIndex(wid, nwg) * workgroupSize + lid;
  if (row < params.rows) {
    runRow(row);
  }
}
