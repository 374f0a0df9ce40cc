// Softmax Jacobian from probabilities, N a multiple of 4: one invocation per vec4 of output,
// J[i][j..j+3] = s_i * (delta_ij - s_j..j+3). Consecutive invocations write consecutive vec4s
// (coalesced); s_i and s_j are re-read from cache. Traffic per output element: one 4-byte write.
// Plain IEEE arithmetic: a NaN in s_k gives NaN in row k and column k of its block.

@group(0) @binding(0) var<storage, read> s: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> jac: array<vec4f>;
@group(0) @binding(2) var<uniform> params: JacobianRowsParams;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let e = gridIndex(wid, nwg) * workgroupSize + lid;
  if (e >= params.count) {
    return;
  }
  let vecs = params.width;
  let n = vecs * 4u;
  let q = params.firstRowInBlock + e / vecs;
  let i = q % n;
  let k = e % vecs;
  let rowStart = params.inputStart + (q / n) * vecs;
  let si = s[rowStart + i / 4u][i % 4u];
  let diagonal = select(vec4f(0.0), vec4f(select(vec4u(0u), vec4u(1u), vec4u(0u, 1u, 2u, 3u) == vec4u(i % 4u))), k == i / 4u);
  jac[e] = si * (diagonal - s[rowStart + k]);
}
