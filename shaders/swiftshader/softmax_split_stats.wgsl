// Softmax over the last axis for a few long rows, pass 1 of 2 (rows-split): each row is cut into
// `segments` runs of vec4s and one invocation reduces each run, so that a handful of rows still
// gives every core work (the rows-vec4 kernel runs a row on one invocation: softmax [1, 1 << 20]
// ran on one SIMD lane of one core). Writes one partial per (row, segment):
// (max, sum of exp(x - max), count of +Inf, flags), flags 0 for a run without NaN or infinities,
// 1 for a run that has some, 2 if it has a NaN. The statistics are those of fastRowPass and
// carefulRowPass (row_pass_vec4.wgsl, appended by the host with row_split_segment.wgsl),
// over the run.
// normalize_split_write.wgsl (softmax and logSoftmax) and cross_entropy_split_write.wgsl merge a
// row's partials and write the row.

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read_write> partials: array<vec4f>;
@group(0) @binding(2) var<uniform> params: Params;

fn runSegment(id: u32, segment: Segment) {
  let fast = fastRowPass(segment.start, segment.end);
  if (!fast.special) {
    partials[id] = vec4f(fast.stats, 0.0, 0.0);
    return;
  }
  let careful = carefulRowPass(segment.start, segment.end);
  partials[id] = vec4f(careful.stats, f32(careful.positiveInfinities), select(1.0, 2.0, careful.sawNaN));
}
