// Not a kernel: the host appends this to the workgroup-per-row kernels (softmax_workgroup.wgsl,
// log_softmax_workgroup.wgsl, cross_entropy_workgroup.wgsl, jacobian_workgroup.wgsl;
// src/kernels/wgsl-parts.ts). Their row statistics over the including kernel's `x: array<f32>`,
// with its override `workgroupSize` (a power of two).
//
// Invocation t walks entries start + t, start + t + W, ... (contiguous across the workgroup),
// keeping an online max and normalizer over the finite entries, summed in blocks of SUM_BLOCK
// folded into a total (rounding error grows with the block length plus the block count, not the
// row), and counting +Inf entries and NaNs; the W partial results are merged by a tree in
// workgroup memory (log2 W barriers). Every invocation of the workgroup must call it. A kernel
// may reuse the partial arrays after a workgroupBarrier() (so that every invocation has read
// the result first).

const EXPONENT_BITS = 0x7f800000u;
const POSITIVE_INFINITY_BITS = 0x7f800000u;
const LOWEST_FINITE = -0x1.fffffep+127f;
// exp() of anything below this is 0 in f32; clamping keeps exp's argument finite when the
// difference of two extreme finite values overflows.
const EXP_FLOOR = -104.0;
const SUM_BLOCK = 256u;
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
  var m = LOWEST_FINITE;
  var s = 0.0;
  var total = 0.0;
  var count = 0u;
  var special = 0u;
  for (var i = start + t; i < end; i += workgroupSize) {
    if (count % SUM_BLOCK == 0u) {
      total += s;
      s = 0.0;
    }
    count++;
    let v = x[i];
    let bits = bitcast<u32>(v);
    if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      special |= select(NAN_FLAG, 0u, (bits & 0x7fffffffu) == POSITIVE_INFINITY_BITS);
      special += select(0u, 1u, bits == POSITIVE_INFINITY_BITS);
    } else {
      let mNew = max(m, v);
      let rescale = exp(max(m - mNew, EXP_FLOOR));
      s = s * rescale + exp(v - mNew);
      total = total * rescale;
      m = mNew;
    }
  }
  s += total;
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
