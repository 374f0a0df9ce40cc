// Softmax Jacobian from probabilities, vec4 accesses (N a multiple of 4):
// J[i][j] = s_i * (delta_ij - s_j). The N x N block of a batch row is split into `parts` ranges
// of consecutive Jacobian rows, one invocation each; an invocation writes its rows in order,
// re-reading the batch row of s from cache. Traffic per output element: one 4-byte write. No
// barriers: the fast shape on SwiftShader (jacobian_probs_vec4.wgsl, one invocation per vec4 of
// output, is the coalesced shape for real GPUs).
// Plain IEEE arithmetic: a NaN in s_k gives NaN in row k and column k of its block.

struct Params {
  // Batch rows in the bound output chunk.
  rows: u32,
  // N / 4.
  vecsPerRow: u32,
  // Offset, in vec4s, of the chunk's first batch row in the bound s range.
  sStart: u32,
  // Invocations per batch row, and Jacobian rows per invocation (the last one may get fewer).
  parts: u32,
  rowsPerPart: u32,
}

@group(0) @binding(0) var<storage, read> s: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> jac: array<vec4f>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let id = gridIndex(wid, nwg) * workgroupSize + lid;
  let row = id / params.parts;
  if (row >= params.rows) {
    return;
  }
  let vecs = params.vecsPerRow;
  let n = vecs * 4u;
  let firstRow = (id % params.parts) * params.rowsPerPart;
  if (firstRow >= n) {
    return;
  }
  let endRow = min(firstRow + params.rowsPerPart, n);
  let start = params.sStart + row * vecs;
  let lane = vec4u(0u, 1u, 2u, 3u);
  var out = (row * n + firstRow) * vecs;
  for (var i = firstRow; i < endRow; i++) {
    let iv = i / 4u;
    let si = s[start + iv][i % 4u];
    let diagonal = vec4f(select(vec4u(0u), vec4u(1u), lane == vec4u(i % 4u)));
    for (var k = 0u; k < vecs; k++) {
      jac[out + k] = si * (select(vec4f(0.0), diagonal, k == iv) - s[start + k]);
    }
    out += vecs;
  }
}
