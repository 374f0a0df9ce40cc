// Softmax or log-softmax along one axis, one invocation per line: the op is the appended rowOutput
// (softmax_output.wgsl or log_softmax_output.wgsl). A tensor is viewed as [outer, length, inner]
// around the axis; line (o, i) is the `length` entries o*length*inner + k*inner + i. For the last
// axis (inner = 1) each invocation owns a row; for other axes neighbouring invocations read
// neighbouring addresses, so the strided case is coalesced without a transpose.
//
// Two passes over the line: an online max/normalizer pass (read once; linePass,
// row_pass_lines.wgsl), then the output pass (read again, write once): 12 bytes of traffic per
// element. No barriers, no shared memory. Special values: row_softmax.wgsl.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: LineParams;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let line = gridIndex(wid, nwg) * workgroupSize + lid;
  if (line >= params.outer * params.inner) {
    return;
  }
  let inner = params.inner;
  let start = (line / inner) * params.length * inner + line % inner;
  let row = rowSoftmax(linePass(start, params.length, inner));
  for (var k = 0u; k < params.length; k++) {
    let at = start + k * inner;
    y[at] = rowOutput(x[at], row);
  }
}
