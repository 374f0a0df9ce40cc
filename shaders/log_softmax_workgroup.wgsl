// Log-softmax over the last axis, one workgroup per row, for long rows and adapters with fast
// barriers (real GPUs). Invocation t reads entries t, t + W, t + 2W ... (contiguous across the
// workgroup), keeps an online max/normalizer, and the W partial results are merged by a tree in
// workgroup memory (log2 W barriers; workgroupRowPass, row_pass_workgroup.wgsl, which the host
// appends); then y = (x - max) - log(sum). Traffic: read twice, write once (12 bytes per element).
// workgroupSize must be a power of two.
//
// Special values as in log_softmax_lines.wgsl.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: RowParams;

override workgroupSize: u32 = 256;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
  let row = gridIndex(wid, nwg);
  if (row >= params.rows) {
    return;
  }
  let start = row * params.cols;
  let end = start + params.cols;

  let stats = workgroupRowPass(start, end, t);
  let rowMax = stats.max;
  let rowNaN = stats.sawNaN;
  let rowInfinities = stats.positiveInfinities;
  let logSum = log(stats.sum);
  let infinityLog = -log(f32(max(rowInfinities, 1u)));
  let negativeInfinity = fromBits(NEGATIVE_INFINITY_BITS);
  let nan = fromBits(QUIET_NAN_BITS);
  for (var i = start + t; i < end; i += workgroupSize) {
    let v = x[i];
    let bits = bitcast<u32>(v);
    var r: f32;
    if (rowNaN) {
      r = nan;
    } else if (rowInfinities > 0u) {
      r = select(negativeInfinity, infinityLog, bits == POSITIVE_INFINITY_BITS);
    } else if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      r = negativeInfinity;
    } else {
      r = (v - rowMax) - logSum;
    }
    y[i] = r;
  }
}
