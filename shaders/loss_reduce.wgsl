// Sums the per-row losses of softmax cross-entropy into one value (times `scale`: 1/rows for the
// 'mean' reduction). One workgroup: invocation t adds entries t, t + W, ... in blocks of 64
// (blocked summation keeps the rounding error near (64 + count/(64 W)) ulp rather than count/W),
// then the W partial sums are added by a tree in workgroup memory (workgroupSum,
// workgroup_sum.wgsl, appended by the host). The input is one float per row, so one workgroup is
// plenty. NaN and infinities propagate through the additions.

struct Params {
  count: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(1) var<storage, read_write> total: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 256;
const BLOCK = 64u;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(local_invocation_index) t: u32) {
  var sum = 0.0;
  var i = t;
  while (i < params.count) {
    var block = 0.0;
    for (var k = 0u; k < BLOCK && i < params.count; k++) {
      block += rowLoss[i];
      i += workgroupSize;
    }
    sum += block;
  }
  let all = workgroupSum(t, sum);
  if (t == 0u) {
    total[0] = all * params.scale;
  }
}
