// Fused softmax cross-entropy over the last axis, one invocation per row, vec4 accesses (the
// host picks this kernel when N is a multiple of 4). No barriers: the fast shape on SwiftShader.
// Pass 1 (fastRowPass, row_pass_vec4.wgsl, which the host appends): the row's max and
// normalizer, read once. Pass 2: read the logits again and the labels once, write
// grad = (softmax(x) - labels) * scale (for class indices: softmax * scale, then the label's
// entry is corrected), and accumulate the row's loss -sum_j l_j * logSoftmax(x)_j as
// sum_j l_j * ((max - x_j) + log(sum)): every term is >= 0 for labels >= 0, so nothing cancels
// even for logits of +-1e4. Traffic: 12 bytes per element with class indices (16 with label
// rows), and one loss per row. Rows with a NaN or an infinity are redone by a careful path that
// classifies every entry.
//
// Labels are either f32 probabilities (bound as u32 bits) or, with indexLabels, one i32 class
// index per row (read from the vec4 holding it).
//
// Special values as in cross_entropy_rows.wgsl.

struct Params {
  rows: u32,
  vecsPerRow: u32,
  // 1 / rows for the 'mean' reduction, else 1.
  scale: f32,
}

@group(0) @binding(0) var<storage, read> x: array<vec4f>;
@group(0) @binding(1) var<storage, read> labels: array<vec4u>;
@group(0) @binding(2) var<storage, read_write> grad: array<vec4f>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

override workgroupSize: u32 = 64;
override indexLabels: bool = false;

const QUIET_NAN_BITS = 0x7fc00000u;

// NaN and +Inf made at run time: WGSL rejects them in constant expressions.
fn fromBits(bits: u32) -> f32 {
  var b = bits;
  return bitcast<f32>(b);
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let row = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (row >= params.rows) {
    return;
  }
  let vecs = params.vecsPerRow;
  let start = row * vecs;
  let end = start + vecs;
  let n = vecs * 4u;
  let nan = fromBits(QUIET_NAN_BITS);
  let infinity = vec4f(fromBits(POSITIVE_INFINITY_BITS));
  let exponent = vec4u(EXPONENT_BITS);
  let positiveInfinity = vec4u(POSITIVE_INFINITY_BITS);
  let lane = vec4u(0u, 1u, 2u, 3u);
  let scale = params.scale;
  var label = 0u;
  if (indexLabels) {
    label = labels[row / 4u][row % 4u];
  }
  // An index out of range (also a negative one, read as u32) poisons the row.
  let badIndex = indexLabels && label >= n;

  let fast = fastRowPass(start, end);

  if (!fast.special && !badIndex) {
    let stats = fast.stats;
    let rowMax = stats.x;
    let invSum = 1.0 / stats.y;
    let logSum = log(stats.y);
    if (indexLabels) {
      // softmax * scale everywhere, then the label's entry alone gets (p - 1) * scale: the loop is
      // softmax's own write pass (a one-hot select per element made it about 20% slower).
      let invSumScaled = invSum * scale;
      for (var j = start; j < end; j++) {
        grad[j] = exp(x[j] - rowMax) * invSumScaled;
      }
      let labelLogit = x[start + label / 4u][label % 4u];
      grad[start + label / 4u][label % 4u] = (exp(labelLogit - rowMax) * invSum - 1.0) * scale;
      loss[row] = (rowMax - labelLogit) + logSum;
      return;
    }
    var terms = vec4f(0.0);
    var labelsFinite = true;
    for (var j = start; j < end; j++) {
      let v = x[j];
      let labelBits = labels[j];
      let l = bitcast<vec4f>(labelBits);
      grad[j] = (exp(v - rowMax) * invSum - l) * scale;
      labelsFinite = labelsFinite && !any((labelBits & exponent) == exponent);
      terms += select(vec4f(0.0), l * ((rowMax - v) + logSum), (labelBits & vec4u(0x7fffffffu)) != vec4u(0u));
    }
    loss[row] = select(nan, (terms.x + terms.y) + (terms.z + terms.w), labelsFinite);
    return;
  }

  // Careful path: the row holds a NaN or an infinity; classify every entry.
  let careful = carefulRowPass(start, end);
  let stats = careful.stats;
  let positiveInfinities = careful.positiveInfinities;
  let sawNaN = careful.sawNaN;
  let rowMax = stats.x;
  let rowSum = stats.y;
  if (sawNaN || badIndex) {
    for (var j = start; j < end; j++) {
      grad[j] = vec4f(nan);
    }
    loss[row] = nan;
    return;
  }

  if (positiveInfinities > 0u) {
    // softmax's limit: the +Inf entries share the row; -logSoftmax is log(count) on them.
    let share = vec4f(1.0 / f32(positiveInfinities));
    let infinityLog = vec4f(log(f32(positiveInfinities)));
    var terms = vec4f(0.0);
    var labelsFinite = true;
    for (var j = start; j < end; j++) {
      let onInfinity = bitcast<vec4u>(x[j]) == positiveInfinity;
      let p = select(vec4f(0.0), share, onInfinity);
      let nlp = select(infinity, infinityLog, onInfinity);
      if (indexLabels) {
        let onehot = select(vec4f(0.0), vec4f(1.0), lane + (j - start) * 4u == vec4u(label));
        grad[j] = (p - onehot) * scale;
        terms += select(vec4f(0.0), nlp, onehot != vec4f(0.0));
      } else {
        let labelBits = labels[j];
        let l = bitcast<vec4f>(labelBits);
        grad[j] = (p - l) * scale;
        labelsFinite = labelsFinite && !any((labelBits & exponent) == exponent);
        terms += select(vec4f(0.0), l * nlp, (labelBits & vec4u(0x7fffffffu)) != vec4u(0u));
      }
    }
    loss[row] = select(nan, (terms.x + terms.y) + (terms.z + terms.w), labelsFinite);
    return;
  }

  let invSum = 1.0 / rowSum;
  let logSum = log(rowSum);
  if (indexLabels) {
    for (var j = start; j < end; j++) {
      let v = x[j];
      let p = select(exp(v - rowMax) * invSum, vec4f(0.0), (bitcast<vec4u>(v) & exponent) == exponent);
      grad[j] = (p - select(vec4f(0.0), vec4f(1.0), lane + (j - start) * 4u == vec4u(label))) * scale;
    }
    let xc = x[start + label / 4u][label % 4u];
    loss[row] = select((rowMax - xc) + logSum, infinity.x, (bitcast<u32>(xc) & EXPONENT_BITS) == EXPONENT_BITS);
    return;
  }

  var terms = vec4f(0.0);
  var labelsFinite = true;
  for (var j = start; j < end; j++) {
    let v = x[j];
    let specials = isSpecial(v);
    let labelBits = labels[j];
    let l = bitcast<vec4f>(labelBits);
    grad[j] = (select(exp(v - rowMax) * invSum, vec4f(0.0), specials) - l) * scale;
    labelsFinite = labelsFinite && !any((labelBits & exponent) == exponent);
    let nlp = select((rowMax - v) + logSum, infinity, specials);
    terms += select(vec4f(0.0), l * nlp, (labelBits & vec4u(0x7fffffffu)) != vec4u(0u));
  }
  loss[row] = select(nan, (terms.x + terms.y) + (terms.z + terms.w), labelsFinite);
}
