// Softmax Jacobian, scalar accesses (any N), from logits (fromLogits, softmaxJacobian) or from
// probabilities (softmaxJacobianFromProbs). The N x N block of a batch row is split into `parts`
// ranges of consecutive Jacobian rows, one invocation each (parts = 1 when the batch alone fills
// the device; more for small batches); an invocation writes its rows in order,
// J[i][j] = s_i * (delta_ij - s_j), re-reading the batch row of s from cache. Traffic per output
// element: one 4-byte write. No barriers, no shared memory: the fast shape on adapters with slow
// barriers (SwiftShader); jacobian_probs.wgsl and jacobian_workgroup.wgsl are the coalesced
// shapes for real GPUs. jacobian_block_vec4.wgsl is the same with vec4 accesses.
//
// From logits, the invocation first computes its batch row's softmax statistics (online
// max/normalizer, one read of x; linePass, row_pass_lines.wgsl) and writes s = softmax(x) into
// the LAST Jacobian row of its own range as a staging area, overwritten last: each exp is
// computed once per invocation and x is read twice (plus N staged writes per range). Special
// values follow softmax (row_softmax.wgsl): a NaN in the row makes the whole block NaN (NaN times
// anything); a row of only -Inf gives J = 0. From probabilities: plain IEEE arithmetic, a NaN in
// s_k gives NaN in row k and column k of its block.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> jac: array<f32>;
@group(0) @binding(2) var<uniform> params: JacobianBlockParams;

override workgroupSize: u32 = 64;
override fromLogits: bool = true;

// s_k of the batch row that starts at x[start], staged at jac[stage] from logits.
fn probability(start: u32, stage: u32, k: u32) -> f32 {
  if (fromLogits) {
    return jac[stage + k];
  }
  return x[start + k];
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let id = gridIndex(wid, nwg) * workgroupSize + lid;
  let row = id / params.parts;
  let n = params.width;
  let firstRow = (id % params.parts) * params.rowsPerPart;
  if (row >= params.rows || firstRow >= n) {
    return;
  }
  let start = params.inputStart + row * n;
  let endRow = min(firstRow + params.rowsPerPart, n);
  let stage = (row * n + endRow - 1u) * n;
  if (fromLogits) {
    let softmaxRow = rowSoftmax(linePass(start, n, 1u));
    for (var k = 0u; k < n; k++) {
      jac[stage + k] = softmaxEntry(x[start + k], softmaxRow);
    }
  }

  var out = (row * n + firstRow) * n;
  for (var i = firstRow; i < endRow; i++) {
    let si = probability(start, stage, i);
    for (var j = 0u; j < n; j++) {
      jac[out + j] = jacobianEntry(si, probability(start, stage, j), j == i);
    }
    out += n;
  }
}
