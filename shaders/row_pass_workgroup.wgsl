// Not a kernel: the host appends this, with row_pass_lines.wgsl, to the workgroup-per-row kernels
// (softmax_workgroup.wgsl, log_softmax_workgroup.wgsl, cross_entropy_workgroup.wgsl,
// jacobian_workgroup.wgsl; src/kernels/wgsl-parts.ts). Their row statistics over the including kernel's `x: array<f32>`,
// with its override `workgroupSize` (a power of two).
//
// Invocation t runs linePass (row_pass_lines.wgsl, appended with this part) over entries
// start + t, start + t + W, ... (contiguous across the workgroup); the W partial results are
// merged by a tree in workgroup memory (log2 W barriers). Every invocation of the workgroup must
// call it. A kernel may reuse the partial arrays after a workgroupBarrier() (so that every
// invocation has read the result first).

const NAN_FLAG = 0x80000000u;

var<workgroup> partialMax: array<f32, workgroupSize>;
var<workgroup> partialSum: array<f32, workgroupSize>;
// Count of +Inf entries, with NAN_FLAG set when a NaN was seen.
var<workgroup> partialSpecial: array<u32, workgroupSize>;

struct WorkgroupRowPass {
  // Max of the finite entries (LOWEST_FINITE if none) and the sum of exp(x - max) over them.
  max: f32,
  sum: f32,
  positiveInfinities: u32,
  // The row holds a NaN.
  sawNaN: bool,
}

// The statistics of x[start .. end), as every invocation t of the workgroup sees them.
fn workgroupRowPass(start: u32, end: u32, t: u32) -> WorkgroupRowPass {
  let length = select(0u, (end - start - t + workgroupSize - 1u) / workgroupSize, start + t < end);
  let own = linePass(start + t, length, workgroupSize);
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
  return WorkgroupRowPass(partialMax[0], partialSum[0], rowSpecial & ~NAN_FLAG, (rowSpecial & NAN_FLAG) != 0u);
}
