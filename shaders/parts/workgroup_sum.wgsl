// Part: one value per invocation added over the workgroup by a tree in workgroup memory (log2 W
// barriers), for vjp_workgroup.wgsl and loss_reduce.wgsl.
// Reads: the kernel's override `workgroupSize` (a power of two).
// Defines: the workgroup array partialTotals and workgroupSum(t, value).

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
