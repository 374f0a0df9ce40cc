// Softmax Jacobian from probabilities: J[i][j] = s_i * (delta_ij - s_j), one invocation per
// output element. Consecutive invocations write consecutive addresses (coalesced); s_i and s_j
// are re-read from cache. Traffic per output element: one 4-byte write (s is N times smaller).
// Plain IEEE arithmetic: a NaN in s_k gives NaN in row k and column k of its block.

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read_write> jac: array<f32>;
@group(0) @binding(2) var<uniform> params: JacobianRowsParams;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let e = gridIndex(wid, nwg) * workgroupSize + lid;
  if (e >= params.count) {
    return;
  }
  let n = params.width;
  let q = params.firstRowInBlock + e / n;
  let i = q % n;
  let j = e % n;
  let rowStart = params.inputStart + q - i;
  let si = s[rowStart + i];
  jac[e] = jacobianEntry(si, s[rowStart + j], i == j);
}
