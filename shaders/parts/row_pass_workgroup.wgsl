// Part: the row statistics of the workgroup-per-row kernels (normalize_workgroup.wgsl,
// cross_entropy_workgroup.wgsl, jacobian_workgroup.wgsl).
// Reads: the kernel's override `workgroupSize` (a power of two), laneLinePass
//   (row_pass_lines.wgsl), RowStats (row_softmax.wgsl), the prelude.
// Defines: workgroupRowPass(start, end, t), NAN_FLAG and the workgroup arrays partialMax,
//   partialSum, partialSpecial.
//
// Invocation t runs laneLinePass (row_pass_lines.wgsl) over entries start + t,
// start + t + W, ... (contiguous across the workgroup); the W partial results are
// merged by a tree in workgroup memory (log2 W barriers). Every invocation of the workgroup must
// call it. A kernel may reuse the partial arrays after a workgroupBarrier() (so that every
// invocation has read the result first).

const NAN_FLAG = 0x80000000u;

var<workgroup> partialMax: array<f32, workgroupSize>;
var<workgroup> partialSum: array<f32, workgroupSize>;
// Count of +Inf entries, with NAN_FLAG set when a NaN was seen.
var<workgroup> partialSpecial: array<u32, workgroupSize>;

// The statistics of x[start .. end), as every invocation t of the workgroup sees them.
fn workgroupRowPass(start: u32, end: u32, t: u32) -> RowStats {
  let own = laneLinePass(start, end, t, workgroupSize);
  var m = own.max;
  var s = own.sum;
  var special = select(0u, NAN_FLAG, own.sawNaN) | own.positiveInfinities;
  partialMax[t] = m;
  partialSum[t] = s;
  partialSpecial[t] = special;
  for (var stride = workgroupSize / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (t < stride) {
      let mOther = partialMax[t + stride];
      let mNew = max(m, mOther);
      s = s * exp(max(m - mNew, EXP_FLOOR)) + partialSum[t + stride] * exp(max(mOther - mNew, EXP_FLOOR));
      m = mNew;
      let otherSpecial = partialSpecial[t + stride];
      special = ((special | otherSpecial) & NAN_FLAG) | ((special + otherSpecial) & ~NAN_FLAG);
      partialMax[t] = m;
      partialSum[t] = s;
      partialSpecial[t] = special;
    }
  }
  workgroupBarrier();
  let rowSpecial = partialSpecial[0];
  return RowStats(partialMax[0], partialSum[0], rowSpecial & ~NAN_FLAG, (rowSpecial & NAN_FLAG) != 0u);
}
