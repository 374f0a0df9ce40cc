// Part: the prelude, appended to every kernel (withParts in src/ops/shared/wgsl-parts.ts).
// Reads: nothing.
// Defines:
// - gridIndex(wid, nwg): the linear index of a workgroup in a grid the host folds into 2-D or 3-D
//   past 65535 workgroups per dimension (src/gpu/grid.ts);
// - the f32 bit patterns EXPONENT_BITS, POSITIVE_INFINITY_BITS, NEGATIVE_INFINITY_BITS,
//   QUIET_NAN_BITS, ABS_BITS, and isNaNBits / isSpecialBits: special values are found with bit
//   tests, because compilers may assume floats are finite and fold `x != x` away (measured on
//   SwiftShader);
// - fromBits(bits) and quietNaN(): NaN and infinities made at run time (WGSL rejects them in
//   constant expressions);
// - the parameter blocks several kernels share: RowParams (rows of `cols` entries), LineParams
//   (lines along an axis of a tensor viewed as [outer, length, inner]), Vec4RowParams (rows of
//   `vecsPerRow` vec4s), CountParams (a flat count).

fn gridIndex(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.x + nwg.x * (wid.y + nwg.y * wid.z);
}

const EXPONENT_BITS = 0x7f800000u;
const POSITIVE_INFINITY_BITS = 0x7f800000u;
const NEGATIVE_INFINITY_BITS = 0xff800000u;
const QUIET_NAN_BITS = 0x7fc00000u;
const ABS_BITS = 0x7fffffffu;

// NaN or an infinity: the exponent is all ones.
fn isSpecialBits(bits: u32) -> bool {
  return (bits & EXPONENT_BITS) == EXPONENT_BITS;
}

fn isNaNBits(bits: u32) -> bool {
  return (bits & ABS_BITS) > POSITIVE_INFINITY_BITS;
}

fn fromBits(bits: u32) -> f32 {
  var b = bits;
  return bitcast<f32>(b);
}

fn quietNaN() -> f32 {
  return fromBits(QUIET_NAN_BITS);
}

struct RowParams {
  rows: u32,
  cols: u32,
}

struct LineParams {
  outer: u32,
  length: u32,
  inner: u32,
}

struct Vec4RowParams {
  rows: u32,
  vecsPerRow: u32,
}

struct CountParams {
  count: u32,
}

// The most negative finite f32, where a running max starts.
const LOWEST_FINITE = -0x1.fffffep+127f;
// exp() of anything below this is 0 in f32; clamping keeps exp's argument finite when the
// difference of two extreme finite values overflows.
const EXP_FLOOR = -104.0;
