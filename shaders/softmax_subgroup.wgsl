// Softmax over the last axis, one subgroup per row: the workgroup is exactly one subgroup (the
// host picks workgroupSize = the adapter's subgroup size, and uses this kernel only when that
// size is fixed). Lane l reads entries l, l + S, l + 2S ... so a subgroup's loads are contiguous;
// each lane keeps an online max/normalizer (laneLinePass, row_pass_lines.wgsl), merged with
// subgroupMax / subgroupAdd: no barriers, no shared memory. Traffic: read twice, write once
// (12 bytes per element). Special values: row_softmax.wgsl.
enable subgroups;

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: RowParams;

fn runWorkgroupRow(rowIndex: u32, lane: u32) {
  let start = rowIndex * params.cols;
  let end = start + params.cols;

  let own = laneLinePass(start, end, lane, workgroupSize);
  let rowMax = subgroupMax(own.max);
  let rowSum = subgroupAdd(own.sum * exp(max(own.max - rowMax, EXP_FLOOR)));
  let rowInfinities = subgroupAdd(own.positiveInfinities);
  let rowNaN = subgroupMax(select(0u, 1u, own.sawNaN)) != 0u;
  let row = rowSoftmax(RowStats(rowMax, rowSum, rowInfinities, rowNaN));
  for (var i = start + lane; i < end; i += workgroupSize) {
    y[i] = softmaxEntry(x[i], row);
  }
}
