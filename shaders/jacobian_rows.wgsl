// Softmax Jacobian from logits, one invocation per Jacobian row: invocation r owns row i of the
// N x N block of batch row b (r = b*N + i, counted from the first row of the bound chunk). It
// recomputes its batch row's softmax statistics (online max/normalizer, one read of x; linePass,
// row_pass_lines.wgsl, which the host appends), then
// writes J[i][j] = s_i * (delta_ij - s_j) with s_j = exp(x_j - max) / sum recomputed per entry.
// Traffic per output element: one 4-byte write; x (N floats) is re-read from cache by each of the
// N invocations of a batch row. This is the fallback for any N (no shared memory, no barriers,
// scalar accesses); the block and workgroup variants avoid the recomputation.
//
// Special values follow softmax (row_softmax.wgsl): a NaN in the row makes the whole block NaN
// (NaN times anything); -Inf entries have probability 0, so their rows and columns of J are 0.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> jac: array<f32>;
@group(0) @binding(2) var<uniform> params: JacobianRowsParams;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let r = gridIndex(wid, nwg) * workgroupSize + lid;
  if (r >= params.count) {
    return;
  }
  let n = params.width;
  let q = params.firstRowInBlock + r;
  let i = q % n;
  let start = params.inputStart + (q / n) * n;

  let row = rowSoftmax(linePass(start, n, 1u));
  let si = softmaxEntry(x[start + i], row);
  let out = r * n;
  for (var j = 0u; j < n; j++) {
    jac[out + j] = jacobianEntry(si, softmaxEntry(x[start + j], row), j == i);
  }
}
