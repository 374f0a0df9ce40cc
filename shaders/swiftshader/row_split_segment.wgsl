// Part: the parameters of the rows-split kernels (softmax_split_stats.wgsl,
// normalize_split_write.wgsl, vjp_split_*.wgsl, cross_entropy_split_*.wgsl), and which run of
// vec4s an invocation takes.
// Reads: the kernel's `params: Params` (the struct defined here).
// Defines: Params, Segment, segmentOf(id).

struct Params {
  rows: u32,
  vecsPerRow: u32,
  segments: u32,
  segmentVecs: u32,
  // The cross-entropy gradient's scale (1 / rows for the 'mean' reduction); the other ops leave it 1.
  scale: f32,
}

struct Segment {
  row: u32,
  // The segment's vec4s: [start, end).
  start: u32,
  end: u32,
}

// Invocation `id`'s segment: segment id % segments of row id / segments (id < rows * segments).
fn segmentOf(id: u32) -> Segment {
  let row = id / params.segments;
  let rowStart = row * params.vecsPerRow;
  let start = rowStart + (id % params.segments) * params.segmentVecs;
  return Segment(row, start, min(start + params.segmentVecs, rowStart + params.vecsPerRow));
}
