// Softmax or log-softmax along one axis, one invocation per line (entry_lines.wgsl finds it: a
// strided line for a non-last axis, coalesced without a transpose); the op is the appended
// rowOutput (softmax_output.wgsl or log_softmax_output.wgsl).
//
// Two passes over the line: an online max/normalizer pass (read once; linePass,
// row_pass_lines.wgsl), then the output pass (read again, write once): 12 bytes of traffic per
// element. No barriers, no shared memory. Special values: row_softmax.wgsl.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: LineParams;

fn runLine(start: u32, length: u32, stride: u32) {
  let row = rowSoftmax(linePass(start, length, stride));
  for (var k = 0u; k < length; k++) {
    let at = start + k * stride;
    y[at] = rowOutput(x[at], row);
  }
}
