// Log-softmax over the last axis, one workgroup per row, for long rows and adapters with fast
// barriers (real GPUs). Invocation t reads entries t, t + W, t + 2W ... (contiguous across the
// workgroup), keeps an online max/normalizer, and the W partial results are merged by a tree in
// workgroup memory (log2 W barriers); then y = (x - max) - log(sum). Traffic: read twice, write
// once (12 bytes per element). workgroupSize must be a power of two.
//
// Special values as in log_softmax_lines.wgsl.

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 256;

const EXPONENT_BITS = 0x7f800000u;
const POSITIVE_INFINITY_BITS = 0x7f800000u;
const NEGATIVE_INFINITY_BITS = 0xff800000u;
const QUIET_NAN_BITS = 0x7fc00000u;
const LOWEST_FINITE = -0x1.fffffep+127f;
const EXP_FLOOR = -104.0;
const NAN_FLAG = 0x80000000u;

// NaN and -Inf made at run time: WGSL rejects them in constant expressions.
fn fromBits(bits: u32) -> f32 {
  var b = bits;
  return bitcast<f32>(b);
}

var<workgroup> partialMax: array<f32, workgroupSize>;
var<workgroup> partialSum: array<f32, workgroupSize>;
// Count of +Inf entries, with NAN_FLAG set when a NaN was seen.
var<workgroup> partialSpecial: array<u32, workgroupSize>;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) t: u32) {
  let row = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  if (row >= params.rows) {
    return;
  }
  let start = row * params.cols;
  let end = start + params.cols;

  var m = LOWEST_FINITE;
  var s = 0.0;
  var special = 0u;
  for (var i = start + t; i < end; i += workgroupSize) {
    let v = x[i];
    let bits = bitcast<u32>(v);
    if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      special |= select(NAN_FLAG, 0u, (bits & 0x7fffffffu) == POSITIVE_INFINITY_BITS);
      special += select(0u, 1u, bits == POSITIVE_INFINITY_BITS);
    } else {
      let mNew = max(m, v);
      s = s * exp(max(m - mNew, EXP_FLOOR)) + exp(v - mNew);
      m = mNew;
    }
  }
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
  let rowMax = partialMax[0];
  let rowSpecial = partialSpecial[0];
  let rowNaN = (rowSpecial & NAN_FLAG) != 0u;
  let rowInfinities = rowSpecial & ~NAN_FLAG;
  let logSum = log(partialSum[0]);
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
