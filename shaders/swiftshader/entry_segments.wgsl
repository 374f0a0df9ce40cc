// Part: the entry point of the rows-split kernels that give each invocation one segment of a row
// (softmax_split_stats.wgsl, normalize_split_write.wgsl, vjp_split_*.wgsl,
// cross_entropy_split_write.wgsl).
// Reads: the kernel's `params: Params` and Segment, segmentOf (row_split_segment.wgsl), the
//   kernel's runSegment(id, segment), the prelude.
// Defines: the override workgroupSize and the entry point `main`, which finds the invocation's
//   segment (id = row * segments + segment) in the folded grid and runs it.

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let id = gridIndex(wid, nwg) * workgroupSize + lid;
  if (id < params.rows * params.segments) {
    runSegment(id, segmentOf(id));
  }
}
