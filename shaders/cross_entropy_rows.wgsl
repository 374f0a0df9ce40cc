// Fused softmax cross-entropy over the last axis, one invocation per row, scalar accesses (any
// N). Pass 1: online max/normalizer of the logits (read once; linePass, row_pass_lines.wgsl).
// Pass 2 (entries by row_softmax.wgsl): read the logits again and
// the labels once, write grad = (softmax(x) - labels) * scale, and accumulate the row's loss
// -sum_j l_j * logSoftmax(x)_j as sum_j l_j * ((max - x_j) + log(sum)): every term is >= 0 for
// labels >= 0, so nothing cancels even for logits of +-1e4 (unlike logsumexp(x) - <l, x>).
// Traffic: 16 bytes per element, and one loss per row. No barriers, no shared memory.
//
// Labels are either f32 probabilities (bound as u32 bits) or, with indexLabels, one i32 class
// index per row (grad = softmax - onehot, loss = -logSoftmax(x)_c; an index out of range gives
// NaN, though the host refuses those before recording).
//
// Special values: a NaN logit makes the row's loss and gradient NaN; entries with label 0 add
// nothing to the loss (a -Inf mask is fine); -logSoftmax is +Inf on -Inf logits, and with +Inf
// logits in the row it is log(count of +Inf) on them and +Inf elsewhere (softmax's limit); a
// non-finite label makes the row's loss NaN (the gradient stays elementwise).

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

fn runRow(row: u32) {
  let n = params.cols;
  let start = row * n;

  let st = rowSoftmax(linePass(start, n, 1u));
  var sawNaN = st.sawNaN;
  let nan = quietNaN();
  var c = 0u;
  if (indexLabels) {
    c = labels[row];
    // An index out of range (also a negative one, read as u32) poisons the row.
    sawNaN = sawNaN || c >= n;
  }
  if (sawNaN) {
    for (var k = 0u; k < n; k++) {
      grad[start + k] = nan;
    }
    loss[row] = nan;
    return;
  }
  let scale = params.scale;

  if (indexLabels) {
    for (var k = 0u; k < n; k++) {
      grad[start + k] = (softmaxEntry(x[start + k], st) - select(0.0, 1.0, k == c)) * scale;
    }
    loss[row] = -logSoftmaxEntry(x[start + c], st);
    return;
  }

  var total = 0.0;
  var labelsFinite = true;
  for (var k = 0u; k < n; k++) {
    let v = x[start + k];
    let labelBits = labels[start + k];
    let l = bitcast<f32>(labelBits);
    grad[start + k] = (softmaxEntry(v, st) - l) * scale;
    labelsFinite = labelsFinite && (labelBits & EXPONENT_BITS) != EXPONENT_BITS;
    if ((labelBits & ABS_BITS) != 0u) {
      total += l * -logSoftmaxEntry(v, st);
    }
  }
  loss[row] = select(nan, total, labelsFinite);
}
