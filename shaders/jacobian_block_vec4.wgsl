// Softmax Jacobian from logits, vec4 accesses (N a multiple of 4). The N x N block of a batch row
// is split into `parts` ranges of consecutive Jacobian rows, one invocation each (parts = 1 when
// the batch alone fills the device; more for small batches). An invocation computes its batch
// row's softmax statistics (online max/normalizer, one read of x), writes s = softmax(x) into
// the LAST Jacobian row of its own range as a staging area, then writes its rows in order,
// J[i][j] = s_i * (delta_ij - s_j), reading s back from the staging row (N floats, cache
// resident) and overwriting the staging row last. So each exp is computed once per invocation,
// x is read twice, and every output element is written once (plus N staged writes per range):
// the output write is the whole cost. No barriers, no shared memory: the fast shape on adapters
// with slow barriers (SwiftShader).
//
// Special values follow softmax (softmax_lines.wgsl): a NaN in the row makes the whole block NaN;
// +Inf entries share the row equally; -Inf entries have probability 0; a row of only -Inf gives
// J = 0.

struct Params {
  // Batch rows in the bound output chunk.
  rows: u32,
  // N / 4.
  vecsPerRow: u32,
  // Offset, in vec4s, of the chunk's first batch row in the bound x range.
  xStart: u32,
  // Invocations per batch row, and Jacobian rows per invocation (the last one may get fewer).
  parts: u32,
  rowsPerPart: u32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
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
  let start = params.xStart + row * vecs;
  let exponent = vec4u(EXPONENT_BITS);

  var m = vec4f(LOWEST_FINITE);
  var s = vec4f(0.0);
  var positiveInfinities = 0u;
  var sawNaN = false;
  for (var k = 0u; k < vecs; k++) {
    let v = x[start + k];
    let bits = bitcast<vec4u>(v);
    let special = (bits & exponent) == exponent;
    if (any(special)) {
      sawNaN = sawNaN || any(special & ((bits & vec4u(0x7fffffffu)) != exponent));
      positiveInfinities += dot(select(vec4u(0u), vec4u(1u), bits == vec4u(POSITIVE_INFINITY_BITS)), vec4u(1u));
    }
    let finite = select(v, m, special);
    // Rescale only when a lane's max grows (rare after the first entries): one exp per element
    // instead of two.
    if (any(finite > m)) {
      let mNew = max(m, finite);
      s *= exp(max(m - mNew, vec4f(EXP_FLOOR)));
      m = mNew;
    }
    s += select(exp(finite - m), vec4f(0.0), special);
  }
  let rowMax = max(max(m.x, m.y), max(m.z, m.w));
  let invSum = 1.0 / dot(s, exp(max(m - rowMax, vec4f(EXP_FLOOR))));
  let infinityShare = 1.0 / f32(max(positiveInfinities, 1u));

  let firstRow = (id % params.parts) * params.rowsPerPart;
  if (firstRow >= n) {
    return;
  }
  let endRow = min(firstRow + params.rowsPerPart, n);
  let begin = (row * n + firstRow) * vecs;
  let end = (row * n + endRow) * vecs;
  if (sawNaN) {
    let nan = vec4f(quietNaN());
    for (var k = begin; k < end; k++) {
      jac[k] = nan;
    }
    return;
  }

  let stage = end - vecs;
  for (var k = 0u; k < vecs; k++) {
    let v = x[start + k];
    let bits = bitcast<vec4u>(v);
    var p: vec4f;
    if (positiveInfinities > 0u) {
      p = select(vec4f(0.0), vec4f(infinityShare), bits == vec4u(POSITIVE_INFINITY_BITS));
    } else {
      p = select(exp(v - rowMax) * invSum, vec4f(0.0), (bits & exponent) == exponent);
    }
    jac[stage + k] = p;
  }

  let lane = vec4u(0u, 1u, 2u, 3u);
  var out = begin;
  for (var i = firstRow; i < endRow; i++) {
    let iv = i / 4u;
    let si = jac[stage + iv][i % 4u];
    let diagonal = vec4f(select(vec4u(0u), vec4u(1u), lane == vec4u(i % 4u)));
    for (var k = 0u; k < vecs; k++) {
      let sj = jac[stage + k];
      jac[out + k] = si * (select(vec4f(0.0), diagonal, k == iv) - sj);
    }
    out += vecs;
  }
}
