// Part: pass 2 of the vec4 cross-entropy kernels (cross_entropy_rows_vec4.wgsl,
// cross_entropy_split_write.wgsl): writes the gradient over a run of vec4s of a row from the
// logits, the labels and the row's statistics, and returns the run's part of the row's loss:
// crossEntropyRun for rows without NaN or infinities, carefulCrossEntropyRun for the others.
// Reads: the kernel's `x: array<vec4f>`, `labels: array<vec4u>`, `grad: array<vec4f>`, `params`
//   (its field `scale`) and override `indexLabels`, isSpecial (row_pass_vec4.wgsl), the prelude.
// Defines: CrossEntropyRow, labelVec, crossEntropyRun, carefulCrossEntropyRun. Two functions, not one with a flag: SwiftShader would
// run the careful code's straight-line parts, lanes masked, after the fast path too
// (docs/swiftshader.md, "Branches on run-time values cost every arm").
//
// grad = (softmax(x) - labels) * scale (for class indices: softmax * scale, then the label's entry
// is corrected); the loss -sum_j l_j * logSoftmax(x)_j accumulates as
// sum_j l_j * ((max - x_j) + log(sum)): every term is >= 0 for labels >= 0, so nothing cancels
// even for logits of +-1e4. Special values as in cross_entropy_rows.wgsl.

struct CrossEntropyRow {
  // First vec4 of the row.
  rowStart: u32,
  // (max, normalizer) of the row's finite entries.
  stats: vec2f,
  // The class index (index labels).
  label: u32,
}

// The vec4 holding the label's logit, when it is in the run start .. end.
fn labelVec(start: u32, end: u32, row: CrossEntropyRow) -> vec2u {
  let v = row.rowStart + row.label / 4u;
  return vec2u(v, select(0u, 1u, v >= start && v < end));
}

// A row without NaN or infinities: writes grad over vec4s start .. end and returns their part of
// the row's loss.
fn crossEntropyRun(start: u32, end: u32, row: CrossEntropyRow) -> f32 {
  let scale = params.scale;
  let rowMax = row.stats.x;
  let invSum = 1.0 / row.stats.y;
  let logSum = log(row.stats.y);
  if (indexLabels) {
    // softmax * scale everywhere, then the label's entry alone gets (p - 1) * scale: the loop is
    // softmax's own write pass (a one-hot select per element was slower: bench/HISTORY.md).
    let invSumScaled = invSum * scale;
    for (var j = start; j < end; j++) {
      grad[j] = exp(x[j] - rowMax) * invSumScaled;
    }
    let at = labelVec(start, end, row);
    if (at.y == 0u) {
      return 0.0;
    }
    let labelLogit = x[at.x][row.label % 4u];
    grad[at.x][row.label % 4u] = (exp(labelLogit - rowMax) * invSum - 1.0) * scale;
    return (rowMax - labelLogit) + logSum;
  }
  let exponent = vec4u(EXPONENT_BITS);
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
  return select(fromBits(QUIET_NAN_BITS), (terms.x + terms.y) + (terms.z + terms.w), labelsFinite);
}

// A row with a NaN or an infinity, or a bad class index: classifies every entry. Statistics of
// the row's finite entries, its count of +Inf entries and whether it has a NaN.
fn carefulCrossEntropyRun(start: u32, end: u32, row: CrossEntropyRow, positiveInfinities: u32, sawNaN: bool, badIndex: bool) -> f32 {
  let nan = fromBits(QUIET_NAN_BITS);
  let infinity = vec4f(fromBits(POSITIVE_INFINITY_BITS));
  let exponent = vec4u(EXPONENT_BITS);
  let positiveInfinity = vec4u(POSITIVE_INFINITY_BITS);
  let lane = vec4u(0u, 1u, 2u, 3u);
  let scale = params.scale;
  let rowMax = row.stats.x;
  let label = row.label;
  if (sawNaN || badIndex) {
    for (var j = start; j < end; j++) {
      grad[j] = vec4f(nan);
    }
    return nan;
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
        let onehot = select(vec4f(0.0), vec4f(1.0), lane + (j - row.rowStart) * 4u == vec4u(label));
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
    return select(nan, (terms.x + terms.y) + (terms.z + terms.w), labelsFinite);
  }

  let invSum = 1.0 / row.stats.y;
  let logSum = log(row.stats.y);
  if (indexLabels) {
    for (var j = start; j < end; j++) {
      let v = x[j];
      let p = select(exp(v - rowMax) * invSum, vec4f(0.0), (bitcast<vec4u>(v) & exponent) == exponent);
      grad[j] = (p - select(vec4f(0.0), vec4f(1.0), lane + (j - row.rowStart) * 4u == vec4u(label))) * scale;
    }
    let at = labelVec(start, end, row);
    if (at.y == 0u) {
      return 0.0;
    }
    let xc = x[at.x][label % 4u];
    return select((rowMax - xc) + logSum, infinity.x, (bitcast<u32>(xc) & EXPONENT_BITS) == EXPONENT_BITS);
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
  return select(nan, (terms.x + terms.y) + (terms.z + terms.w), labelsFinite);
}
