// Not a kernel: the host appends this to the kernels that add one value per invocation over a
// workgroup (vjp_workgroup.wgsl, loss_reduce.wgsl;
// src/kernels/wgsl-parts.ts), with the including kernel's override `workgroupSize` (a power of
// two). The values are added by a tree in workgroup memory (log2 W barriers).

var<workgroup> partialTotals: array<f32, workgroupSize>;

// The sum of every invocation's `value`, as each invocation t of the workgroup sees it. Every
// invocation must call it; it ends with a barrier, so a later call may reuse the memory.
fn workgroupSum(t: u32, value: f32) -> f32 {
  var sum = value;
  partialTotals[t] = sum;
  for (var stride = workgroupSize / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (t < stride) {
      sum += partialTotals[t + stride];
      partialTotals[t] = sum;
    }
  }
  workgroupBarrier();
  let total = partialTotals[0];
  workgroupBarrier();
  return total;
}
