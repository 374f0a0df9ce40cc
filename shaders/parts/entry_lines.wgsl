// Part: the entry point of the kernels that give each invocation one line along an axis
// (normalize_lines.wgsl, vjp_lines.wgsl). A tensor is viewed as [outer, length, inner] around the
// axis; line (o, i) is the `length` entries o*length*inner + k*inner + i. For the last axis
// (inner = 1) each invocation owns a row; for other axes neighbouring invocations read
// neighbouring addresses, so the strided case is coalesced without a transpose.
// Reads: the kernel's `params: LineParams` and its runLine(start, length, stride), the prelude.
// Defines: the override workgroupSize and the entry point `main`, which finds the invocation's
//   line in the folded grid and runs it.

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let line = gridIndex(wid, nwg) * workgroupSize + lid;
  if (line >= params.outer * params.inner) {
    return;
  }
  let inner = params.inner;
  runLine((line / inner) * params.length * inner + line % inner, params.length, inner);
}
