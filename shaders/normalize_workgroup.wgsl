// Softmax or log-softmax over the last axis, one workgroup per row, for long rows and for adapters
// with fast barriers (real GPUs): the op is the appended rowOutput (softmax_output.wgsl or
// log_softmax_output.wgsl). Invocation t reads entries t, t + W, t + 2W ... (contiguous across the
// workgroup), keeps an online max/normalizer, and the W partial results are merged by a tree in
// workgroup memory (log2 W barriers; workgroupRowPass, row_pass_workgroup.wgsl). Traffic: read
// twice, write once (12 bytes per element). workgroupSize must be a power of two. Special values:
// row_softmax.wgsl.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: RowParams;

fn runWorkgroupRow(rowIndex: u32, t: u32) {
  let start = rowIndex * params.cols;
  let end = start + params.cols;
  let row = rowSoftmax(workgroupRowPass(start, end, t));
  for (var i = start + t; i < end; i += workgroupSize) {
    y[i] = rowOutput(x[i], row);
  }
}
