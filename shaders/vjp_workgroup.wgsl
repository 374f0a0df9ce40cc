// Vector-Jacobian product of softmax or log-softmax over the last axis (y is the op's output, dy
// the upstream gradient), one workgroup per row, for long rows and adapters with fast barriers
// (real GPUs). The host appends the op's entry functions (softmax_vjp_scalar.wgsl or
// log_softmax_vjp_scalar.wgsl, as for vjp_lines.wgsl) and workgroup_sum.wgsl. Invocation t
// accumulates the terms of entries t, t + W, ... (contiguous across the workgroup); the W
// partial sums are added by a tree in workgroup memory (log2 W barriers). Traffic: the row read
// twice, dx written once. workgroupSize must be a power of two.

@group(0) @binding(0) var<storage, read> y: array<f32>;
@group(0) @binding(1) var<storage, read> dy: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>;
@group(0) @binding(3) var<uniform> params: RowParams;

fn runWorkgroupRow(row: u32, t: u32) {
  let start = row * params.cols;
  let end = start + params.cols;

  var partial = 0.0;
  for (var i = start + t; i < end; i += workgroupSize) {
    partial += vjpTerm(i);
  }
  let total = workgroupSum(t, partial);
  for (var i = start + t; i < end; i += workgroupSize) {
    dx[i] = vjpValue(i, total);
  }
}
