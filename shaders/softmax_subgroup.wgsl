// Softmax over the last axis, one subgroup per row: the workgroup is exactly one subgroup (the
// host picks workgroupSize = the adapter's subgroup size, and uses this kernel only when that
// size is fixed). Lane l reads entries l, l + S, l + 2S ... so a subgroup's loads are contiguous;
// each lane keeps an online max/normalizer, merged with subgroupMax / subgroupAdd: no barriers,
// no shared memory. Traffic: read twice, write once (12 bytes per element).
//
// Special values as in softmax_lines.wgsl.
enable subgroups;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: RowParams;

override workgroupSize: u32 = 32;

const SUM_BLOCK = 256u;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lane: u32) {
  let row = gridIndex(wid, nwg);
  if (row >= params.rows) {
    return;
  }
  let start = row * params.cols;
  let end = start + params.cols;

  var m = LOWEST_FINITE;
  // Normalizer summed in blocks folded into total (see softmax_lines.wgsl).
  var s = 0.0;
  var total = 0.0;
  var count = 0u;
  var positiveInfinities = 0u;
  var nanFlag = 0u;
  for (var i = start + lane; i < end; i += workgroupSize) {
    if (count % SUM_BLOCK == 0u) {
      total += s;
      s = 0.0;
    }
    count++;
    let v = x[i];
    let bits = bitcast<u32>(v);
    if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      nanFlag |= select(1u, 0u, (bits & 0x7fffffffu) == POSITIVE_INFINITY_BITS);
      positiveInfinities += select(0u, 1u, bits == POSITIVE_INFINITY_BITS);
    } else {
      let mNew = max(m, v);
      let rescale = exp(max(m - mNew, EXP_FLOOR));
      s = s * rescale + exp(v - mNew);
      total = total * rescale;
      m = mNew;
    }
  }
  s += total;
  let rowMax = subgroupMax(m);
  let rowSum = subgroupAdd(s * exp(max(m - rowMax, EXP_FLOOR)));
  let rowInfinities = subgroupAdd(positiveInfinities);
  let rowNaN = subgroupMax(nanFlag) != 0u;

  let invSum = 1.0 / rowSum;
  let infinityShare = 1.0 / f32(max(rowInfinities, 1u));
  for (var i = start + lane; i < end; i += workgroupSize) {
    let v = x[i];
    let bits = bitcast<u32>(v);
    var p: f32;
    if (rowNaN) {
      p = quietNaN();
    } else if (rowInfinities > 0u) {
      p = select(0.0, infinityShare, bits == POSITIVE_INFINITY_BITS);
    } else if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      p = 0.0;
    } else {
      p = exp(v - rowMax) * invSum;
    }
    y[i] = p;
  }
}
