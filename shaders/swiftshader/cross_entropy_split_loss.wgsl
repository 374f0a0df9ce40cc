// Fused softmax cross-entropy for a few long rows, pass 3 of 3 (rows-split): one invocation per
// row adds the parts of its loss that cross_entropy_split_write.wgsl wrote per segment, in order
// (a NaN part keeps the loss NaN). The host appends row_split_segment.wgsl for the parameters.

@group(0) @binding(0) var<storage, read> segmentLoss: array<f32>;
@group(0) @binding(1) var<storage, read_write> loss: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

fn runRow(row: u32) {
  var total = 0.0;
  let first = row * params.segments;
  for (var s = first; s < first + params.segments; s++) {
    total += segmentLoss[s];
  }
  loss[row] = total;
}
