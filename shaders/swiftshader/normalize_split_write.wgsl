// Softmax or log-softmax over the last axis for a few long rows, pass 2 of 2 (rows-split; pass 1
// is softmax_split_stats.wgsl): one invocation per (row, segment) merges the row's partials
// (mergeRowStats) and writes its segment as normalize_rows_vec4.wgsl writes a row, with the op's
// writeRow and writeCarefulRow (softmax_write_vec4.wgsl or log_softmax_write_vec4.wgsl). Traffic:
// x read twice, y written once (12 bytes per element) plus 16 bytes per segment and row.

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> partials: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> y: array<vec4f>;
@group(0) @binding(3) var<uniform> params: Params;

fn runSegment(id: u32, segment: Segment) {
  let row = mergeRowStats(segment.row);
  if (row.flags == 0.0) {
    writeRow(segment.start, segment.end, row.stats);
  } else {
    writeCarefulRow(segment.start, segment.end, row.stats, row.positiveInfinities, row.flags == 2.0);
  }
}
