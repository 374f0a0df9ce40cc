// Fused softmax cross-entropy over the last axis, one workgroup per row, for long rows and
// adapters with fast barriers (real GPUs). Invocation t walks entries t, t + W, ... (contiguous
// across the workgroup): pass 1 keeps an online max/normalizer, merged by a tree in workgroup
// memory (log2 W barriers; workgroupRowPass, row_pass_workgroup.wgsl); pass 2 writes grad = (softmax(x) - labels) * scale and accumulates the loss terms
// l_j * ((max - x_j) + log(sum)) (all >= 0 for labels >= 0: nothing cancels), summed by a second
// tree. Traffic: 16 bytes per element. workgroupSize must be a power of two.
//
// Labels are either f32 probabilities (bound as u32 bits) or, with indexLabels, one i32 class
// index per row. Special values as in cross_entropy_rows.wgsl.

struct Params {
  rows: u32,
  cols: u32,
  // 1 / rows for the 'mean' reduction, else 1.
  scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

override indexLabels: bool = false;

fn runWorkgroupRow(row: u32, t: u32) {
  let n = params.cols;
  let start = row * n;
  let end = start + n;

  let softmaxRow = rowSoftmax(workgroupRowPass(start, end, t));
  var c = 0u;
  if (indexLabels) {
    c = labels[row];
  }
  // An index out of range (also a negative one, read as u32) poisons the row.
  let rowNaN = softmaxRow.sawNaN || (indexLabels && c >= n);

  let nan = quietNaN();
  let scale = params.scale;
  var total = 0.0;
  var labelsFinite = true;
  for (var i = start + t; i < end; i += workgroupSize) {
    let v = x[i];
    let p = softmaxEntry(v, softmaxRow);
    let nlp = -logSoftmaxEntry(v, softmaxRow);
    var l: f32;
    if (indexLabels) {
      let hit = i - start == c;
      l = select(0.0, 1.0, hit);
      total += select(0.0, nlp, hit);
    } else {
      let labelBits = labels[i];
      l = bitcast<f32>(labelBits);
      labelsFinite = labelsFinite && (labelBits & EXPONENT_BITS) != EXPONENT_BITS;
      total += select(0.0, l * nlp, (labelBits & ABS_BITS) != 0u);
    }
    grad[i] = select((p - l) * scale, nan, rowNaN);
  }

  // Second tree: the loss terms, with NAN_FLAG for a non-finite label. The barrier keeps
  // invocation 0 from overwriting the row statistics before every invocation has read them.
  workgroupBarrier();
  partialSum[t] = total;
  partialSpecial[t] = select(NAN_FLAG, 0u, labelsFinite);
  for (var stride = workgroupSize / 2u; stride > 0u; stride /= 2u) {
    workgroupBarrier();
    if (t < stride) {
      total += partialSum[t + stride];
      partialSum[t] = total;
      partialSpecial[t] |= partialSpecial[t + stride];
    }
  }
  if (t == 0u) {
    loss[row] = select(total, nan, rowNaN || partialSpecial[0] != 0u);
  }
}
