// Vector-Jacobian product of softmax or log-softmax for a few long rows, pass 1 of 2
// (rows-split): each row is cut into `segments` runs of vec4s and one invocation sums each run
// with the op's vjpSum (softmax_vjp_sum.wgsl or log_softmax_vjp_sum.wgsl, appended by the host
// with row_split_segment.wgsl), so that a handful of rows still gives every core work (the
// rows-vec4 kernel runs a row on one invocation). Writes one partial per (row, segment);
// vjp_split_write.wgsl adds a row's partials and writes the row.

@group(0) @binding(0) var<storage, read> y: array<vec4f>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

fn runSegment(id: u32, segment: Segment) {
  partials[id] = vjpSum(segment.start, segment.end);
}
