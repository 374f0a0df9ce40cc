// Softmax Jacobian from logits, scalar accesses (any N). The N x N block of a batch row is split
// into `parts` ranges of consecutive Jacobian rows, one invocation each (parts = 1 when the batch
// alone fills the device; more for small batches). An invocation computes its batch row's softmax
// statistics (online max/normalizer, one read of x; linePass, row_pass_lines.wgsl, which the host
// appends), writes s = softmax(x) into the LAST Jacobian row of its own range as a staging area,
// then writes its rows in order, J[i][j] = s_i * (delta_ij - s_j), reading s back from the staging
// row (N floats, cache resident) and overwriting the staging row last. So each exp is computed once
// per invocation, x is read twice, and every output element is written once (plus N staged writes
// per range): the output write is the whole cost. No barriers, no shared memory: the fast shape on
// adapters with slow barriers (SwiftShader). jacobian_block_vec4.wgsl is the same with vec4
// accesses.
// Special values follow softmax (row_softmax.wgsl): a NaN in the row makes the whole block NaN
// (NaN times anything); a row of only -Inf gives J = 0.

struct Params {
  // Batch rows in the bound output chunk.
  rows: u32,
  cols: u32,
  // Element offset of the chunk's first batch row in the bound x range.
  xStart: u32,
  // Invocations per batch row, and Jacobian rows per invocation (the last one may get fewer).
  parts: u32,
  rowsPerPart: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
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
  let start = params.xStart + row * n;

  let softmaxRow = rowSoftmax(linePass(start, n, 1u));
  let firstRow = (id % params.parts) * params.rowsPerPart;
  if (firstRow >= n) {
    return;
  }
  let endRow = min(firstRow + params.rowsPerPart, n);
  let begin = (row * n + firstRow) * n;
  let end = (row * n + endRow) * n;
  let stage = end - n;
  for (var k = 0u; k < n; k++) {
    jac[stage + k] = softmaxEntry(x[start + k], softmaxRow);
  }

  var out = begin;
  for (var i = firstRow; i < endRow; i++) {
    let si = jac[stage + i];
    for (var j = 0u; j < n; j++) {
      jac[out + j] = si * (select(0.0, 1.0, j == i) - jac[stage + j]);
    }
    out += n;
  }
}
