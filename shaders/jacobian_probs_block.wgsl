// Softmax Jacobian from probabilities, scalar accesses (any N): J[i][j] = s_i * (delta_ij - s_j).
// The N x N block of a batch row is split into `parts` ranges of consecutive Jacobian rows, one
// invocation each; an invocation writes its rows in order, re-reading the batch row of s from
// cache. Traffic per output element: one 4-byte write. No barriers: the fast shape on SwiftShader
// (jacobian_probs.wgsl, one invocation per element, is the coalesced shape for real GPUs).
// Plain IEEE arithmetic: a NaN in s_k gives NaN in row k and column k of its block.

struct Params {
  // Batch rows in the bound output chunk.
  rows: u32,
  cols: u32,
  // Element offset of the chunk's first batch row in the bound s range.
  sStart: u32,
  // Invocations per batch row, and Jacobian rows per invocation (the last one may get fewer).
  parts: u32,
  rowsPerPart: u32,
}

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read_write> jac: array<f32>;
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
  let n = params.cols;
  let firstRow = (id % params.parts) * params.rowsPerPart;
  if (firstRow >= n) {
    return;
  }
  let endRow = min(firstRow + params.rowsPerPart, n);
  let start = params.sStart + row * n;
  var out = (row * n + firstRow) * n;
  for (var i = firstRow; i < endRow; i++) {
    let si = s[start + i];
    for (var j = 0u; j < n; j++) {
      jac[out + j] = si * (select(0.0, 1.0, j == i) - s[start + j]);
    }
    out += n;
  }
}
