// Vector-Jacobian product of softmax or log-softmax for a few long rows, pass 2 of 2
// (rows-split; pass 1 is vjp_split_sum.wgsl): one invocation per (row, segment) adds the row's
// partials, in the same order in every invocation of the row (a non-finite partial keeps the
// total non-finite), and writes its segment with the op's vjpWrite (softmax_vjp_write.wgsl or
// log_softmax_vjp_write.wgsl, appended by the host with row_split_segment.wgsl).

@group(0) @binding(0) var<storage, read> y: array<vec4f>;
@group(0) @binding(1) var<storage, read> dy: array<vec4f>;
@group(0) @binding(2) var<storage, read> partials: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<vec4f>;
@group(0) @binding(4) var<uniform> params: Params;

fn runSegment(id: u32, segment: Segment) {
  var total = 0.0;
  let first = segment.row * params.segments;
  for (var s = first; s < first + params.segments; s++) {
    total += partials[s];
  }
  vjpWrite(segment.start, segment.end, total);
}
