// Softmax Jacobian, vec4 accesses (N a multiple of 4), from logits (fromLogits) or from
// probabilities: jacobian_block.wgsl's algorithm and special values, a vec4 of J per store. From
// logits, the row's statistics come from fastRowPass (row_pass_vec4.wgsl), or carefulRowPass for
// a row with a NaN or an infinity.

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> jac: array<vec4f>;
@group(0) @binding(2) var<uniform> params: JacobianBlockParams;

override workgroupSize: u32 = 64;
override fromLogits: bool = true;

// s_4k .. s_4k+3 of the batch row that starts at x[start], staged at jac[stage] from logits.
fn probabilities(start: u32, stage: u32, k: u32) -> vec4f {
  if (fromLogits) {
    return jac[stage + k];
  }
  return x[start + k];
}

// The softmax statistics of the vec4s start .. end of x.
fn rowStatistics(start: u32, end: u32) -> RowStats {
  let fast = fastRowPass(start, end);
  if (!fast.special) {
    return RowStats(fast.stats.x, fast.stats.y, 0u, false);
  }
  let careful = carefulRowPass(start, end);
  return RowStats(careful.stats.x, careful.stats.y, careful.positiveInfinities, careful.sawNaN);
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let id = gridIndex(wid, nwg) * workgroupSize + lid;
  let row = id / params.parts;
  let vecs = params.width;
  let n = vecs * 4u;
  let firstRow = (id % params.parts) * params.rowsPerPart;
  if (row >= params.rows || firstRow >= n) {
    return;
  }
  let start = params.inputStart + row * vecs;
  let endRow = min(firstRow + params.rowsPerPart, n);
  let stage = (row * n + endRow - 1u) * vecs;
  if (fromLogits) {
    let softmaxRow = rowSoftmax(rowStatistics(start, start + vecs));
    for (var k = 0u; k < vecs; k++) {
      jac[stage + k] = softmaxEntry4(x[start + k], softmaxRow);
    }
  }

  let lane = vec4u(0u, 1u, 2u, 3u);
  var out = (row * n + firstRow) * vecs;
  for (var i = firstRow; i < endRow; i++) {
    let iv = i / 4u;
    let si = probabilities(start, stage, iv)[i % 4u];
    let diagonal = vec4f(select(vec4u(0u), vec4u(1u), lane == vec4u(i % 4u)));
    for (var k = 0u; k < vecs; k++) {
      jac[out + k] = si * (select(vec4f(0.0), diagonal, k == iv) - probabilities(start, stage, k));
    }
    out += vecs;
  }
}
