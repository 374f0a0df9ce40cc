// Log-softmax along one axis, one invocation per line. A tensor is viewed as [outer, length,
// inner] around the axis; line (o, i) is the `length` entries o*length*inner + k*inner + i, so for
// a non-last axis neighbouring invocations read neighbouring addresses (coalesced, no transpose).
//
// Two passes: an online max/normalizer pass (read once; linePass, row_pass_lines.wgsl, which the
// host appends), then y = (x - max) - log(sum) (read again, write once): 12 bytes of traffic per element. No barriers, no shared memory.
//
// Special values, detected with bit tests (compilers may fold `x != x`): the log of softmax's
// rules. Any NaN -> the whole line is NaN; +Inf entries get -log(count of +Inf), the rest -Inf;
// -Inf entries get -Inf, and a line of only -Inf is all -Inf.

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> params: LineParams;

override workgroupSize: u32 = 64;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let line = gridIndex(wid, nwg) * workgroupSize + lid;
  if (line >= params.outer * params.inner) {
    return;
  }
  let inner = params.inner;
  let start = (line / inner) * params.length * inner + line % inner;

  let pass1 = linePass(start, params.length, inner);
  let m = pass1.max;
  let positiveInfinities = pass1.positiveInfinities;
  let sawNaN = pass1.sawNaN;

  let logSum = log(pass1.sum);
  let infinityLog = -log(f32(max(positiveInfinities, 1u)));
  let negativeInfinity = fromBits(NEGATIVE_INFINITY_BITS);
  let nan = fromBits(QUIET_NAN_BITS);
  for (var k = 0u; k < params.length; k++) {
    let at = start + k * inner;
    let v = x[at];
    let bits = bitcast<u32>(v);
    var r: f32;
    if (sawNaN) {
      r = nan;
    } else if (positiveInfinities > 0u) {
      r = select(negativeInfinity, infinityLog, bits == POSITIVE_INFINITY_BITS);
    } else if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      r = negativeInfinity;
    } else {
      r = (v - m) - logSum;
    }
    y[at] = r;
  }
}
