// Softmax along one axis, one invocation per line. A tensor is viewed as [outer, length, inner]
// around the axis; line (o, i) is the `length` entries o*length*inner + k*inner + i. For the last
// axis (inner = 1) each invocation owns a row; for other axes neighbouring invocations read
// neighbouring addresses, so the strided case is coalesced without a transpose.
//
// Two passes over the line: an online max/normalizer pass (read once; linePass,
// row_pass_lines.wgsl, which the host appends), then a normalize pass (read again, write once):
// 12 bytes of traffic per element. No barriers, no shared memory.
//
// Special values are found with bit tests on the exponent, because compilers may assume that
// floats are finite and fold `x != x` away (measured on SwiftShader). Per line: any NaN -> the
// whole line is NaN; +Inf entries share the line equally, the rest get 0; -Inf entries get 0, and
// a line of only -Inf is all zeros.

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

  let invSum = 1.0 / pass1.sum;
  let infinityShare = 1.0 / f32(max(positiveInfinities, 1u));
  for (var k = 0u; k < params.length; k++) {
    let at = start + k * inner;
    let v = x[at];
    let bits = bitcast<u32>(v);
    var p: f32;
    if (sawNaN) {
      p = quietNaN();
    } else if (positiveInfinities > 0u) {
      p = select(0.0, infinityShare, bits == POSITIVE_INFINITY_BITS);
    } else if ((bits & EXPONENT_BITS) == EXPONENT_BITS) {
      p = 0.0;
    } else {
      p = exp(v - m) * invSum;
    }
    y[at] = p;
  }
}
