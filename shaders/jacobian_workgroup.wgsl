// Softmax Jacobian from logits, one workgroup per batch row. Invocation t reduces entries t,
// t + W, t + 2W ... of x into an online max/normalizer; the W partial results are merged by a tree in
// workgroup memory (log2 W barriers; workgroupRowPass, row_pass_workgroup.wgsl, which the host
// appends); each invocation then writes its share of s = softmax(x) into workgroup memory, and
// after one more barrier the workgroup writes the N x N block in order,
// J[i][j] = s_i * (delta_ij - s_j): consecutive invocations write consecutive addresses
// (coalesced), each output element is written once, x is read twice. For adapters with fast
// barriers (real GPUs) and for batches too small to fill the device with one invocation per row.
// N is at most maxCols (the workgroup storage holds s). workgroupSize must be a power of two.
//
// Special values follow softmax (row_softmax.wgsl): a NaN in the row makes the whole block NaN
// (NaN times anything); a row of only -Inf gives J = 0.

struct Params {
  // Batch rows in the bound output chunk.
  rows: u32,
  cols: u32,
  // Element offset of the chunk's first batch row in the bound x range.
  xStart: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> jac: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

override maxCols: u32 = 1024;

var<workgroup> probs: array<f32, maxCols>;

fn runWorkgroupRow(row: u32, t: u32) {
  let n = params.cols;
  let start = params.xStart + row * n;

  let softmaxRow = rowSoftmax(workgroupRowPass(start, start + n, t));
  for (var k = t; k < n; k += workgroupSize) {
    probs[k] = softmaxEntry(x[start + k], softmaxRow);
  }
  workgroupBarrier();

  // Element e = i*N + j of the block; invocation t walks e = t, t + W, ... keeping (i, j) by
  // increments instead of a division per element.
  let block = row * n * n;
  let size = n * n;
  let rowStep = workgroupSize / n;
  let colStep = workgroupSize % n;
  var i = t / n;
  var j = t % n;
  for (var e = t; e < size; e += workgroupSize) {
    let si = probs[i];
    jac[block + e] = si * (select(0.0, 1.0, i == j) - probs[j]);
    i += rowStep;
    j += colStep;
    if (j >= n) {
      j -= n;
      i += 1u;
    }
  }
}
