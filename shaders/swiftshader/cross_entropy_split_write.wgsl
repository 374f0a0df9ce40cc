// Fused softmax cross-entropy for a few long rows, pass 2 of 3 (rows-split; pass 1 is the
// softmax's, softmax_split_stats.wgsl): one invocation per (row, segment) merges the row's
// partial statistics (mergeRowStats) and writes its segment's gradient as
// cross_entropy_rows_vec4.wgsl writes a row (crossEntropyRun, carefulCrossEntropyRun), and the segment's part of the
// row's loss; cross_entropy_split_loss.wgsl adds the parts. The host appends
// row_split_segment.wgsl, softmax_split_merge.wgsl, cross_entropy_write_vec4.wgsl and
// row_pass_vec4.wgsl.

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> labels: array<vec4u>;
@group(0) @binding(2) var<storage, read> partials: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> grad: array<vec4f>;
@group(0) @binding(4) var<storage, read_write> segmentLoss: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

override indexLabels: bool = false;

fn runSegment(id: u32, segment: Segment) {
  var label = 0u;
  if (indexLabels) {
    label = labels[segment.row / 4u][segment.row % 4u];
  }
  // An index out of range (also a negative one, read as u32) poisons the row.
  let badIndex = indexLabels && label >= params.vecsPerRow * 4u;
  let merged = mergeRowStats(segment.row);
  let row = CrossEntropyRow(segment.row * params.vecsPerRow, merged.stats, label);
  if (merged.flags == 0.0 && !badIndex) {
    segmentLoss[id] = crossEntropyRun(segment.start, segment.end, row);
    return;
  }
  segmentLoss[id] = carefulCrossEntropyRun(segment.start, segment.end, row, merged.positiveInfinities, merged.flags == 2.0, badIndex);
}
