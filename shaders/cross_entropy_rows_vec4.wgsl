// Fused softmax cross-entropy over the last axis, one invocation per row, vec4 accesses (the
// host picks this kernel when N is a multiple of 4). Pass 1: online max/normalizer of the logits,
// one per vec4 lane, merged at the end (read once). Pass 2: read the logits again and the labels
// once, write grad = (softmax(x) - labels) * scale, and accumulate the row's loss
// -sum_j l_j * logSoftmax(x)_j as sum_j l_j * ((max - x_j) + log(sum)): every term is >= 0 for
// labels >= 0, so nothing cancels even for logits of +-1e4. Traffic: 16 bytes per element, and
// one loss per row. No barriers: the fast shape on SwiftShader.
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

const EXPONENT_BITS = 0x7f800000u;
const POSITIVE_INFINITY_BITS = 0x7f800000u;
const QUIET_NAN_BITS = 0x7fc00000u;
const LOWEST_FINITE = -0x1.fffffep+127f;
const EXP_FLOOR = -104.0;

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
  let exponent = vec4u(EXPONENT_BITS);
  let positiveInfinity = vec4u(POSITIVE_INFINITY_BITS);

  var m = vec4f(LOWEST_FINITE);
  var s = vec4f(0.0);
  var positiveInfinities = 0u;
  var sawNaN = false;
  for (var i = start; i < end; i++) {
    let v = x[i];
    let bits = bitcast<vec4u>(v);
    let special = (bits & exponent) == exponent;
    if (any(special)) {
      sawNaN = sawNaN || any(special & ((bits & vec4u(0x7fffffffu)) != exponent));
      positiveInfinities += dot(select(vec4u(0u), vec4u(1u), bits == positiveInfinity), vec4u(1u));
    }
    let finite = select(v, m, special);
    // Rescale only when a lane's max grows (rare after the first entries): one exp per element
    // instead of two.
    if (any(finite > m)) {
      let mNew = max(m, finite);
      s *= exp(max(m - mNew, vec4f(EXP_FLOOR)));
      m = mNew;
    }
    s += select(exp(finite - m), vec4f(0.0), special);
  }
  let rowMax = max(max(m.x, m.y), max(m.z, m.w));
  let rowSum = dot(s, exp(max(m - rowMax, vec4f(EXP_FLOOR))));

  let n = vecs * 4u;
  let nan = fromBits(QUIET_NAN_BITS);
  var c = 0u;
  if (indexLabels) {
    c = labels[row / 4u][row % 4u];
    // An index out of range (also a negative one, read as u32) poisons the row.
    sawNaN = sawNaN || c >= n;
  }
  if (sawNaN) {
    for (var i = start; i < end; i++) {
      grad[i] = vec4f(nan);
    }
    loss[row] = nan;
    return;
  }

  let scale = params.scale;
  let infinity = vec4f(fromBits(POSITIVE_INFINITY_BITS));
  let lane = vec4u(0u, 1u, 2u, 3u);
  if (positiveInfinities > 0u) {
    // softmax's limit: the +Inf entries share the row; -logSoftmax is log(count) on them.
    let share = vec4f(1.0 / f32(positiveInfinities));
    let infinityLog = vec4f(log(f32(positiveInfinities)));
    var total = vec4f(0.0);
    var labelsFinite = true;
    for (var i = start; i < end; i++) {
      let onInfinity = bitcast<vec4u>(x[i]) == positiveInfinity;
      let p = select(vec4f(0.0), share, onInfinity);
      let nlp = select(infinity, infinityLog, onInfinity);
      if (indexLabels) {
        let onehot = select(vec4f(0.0), vec4f(1.0), lane + (i - start) * 4u == vec4u(c));
        grad[i] = (p - onehot) * scale;
        total += select(vec4f(0.0), nlp, onehot != vec4f(0.0));
      } else {
        let labelBits = labels[i];
        let l = bitcast<vec4f>(labelBits);
        grad[i] = (p - l) * scale;
        labelsFinite = labelsFinite && !any((labelBits & exponent) == exponent);
        total += select(vec4f(0.0), l * nlp, (labelBits & vec4u(0x7fffffffu)) != vec4u(0u));
      }
    }
    loss[row] = select(nan, (total.x + total.y) + (total.z + total.w), labelsFinite);
    return;
  }

  let invSum = 1.0 / rowSum;
  let logSum = log(rowSum);
  if (indexLabels) {
    for (var i = start; i < end; i++) {
      let v = x[i];
      let p = select(exp(v - rowMax) * invSum, vec4f(0.0), (bitcast<vec4u>(v) & exponent) == exponent);
      grad[i] = (p - select(vec4f(0.0), vec4f(1.0), lane + (i - start) * 4u == vec4u(c))) * scale;
    }
    let xc = x[start + c / 4u][c % 4u];
    loss[row] = select((rowMax - xc) + logSum, infinity.x, (bitcast<u32>(xc) & EXPONENT_BITS) == EXPONENT_BITS);
    return;
  }

  var total = vec4f(0.0);
  var labelsFinite = true;
  for (var i = start; i < end; i++) {
    let v = x[i];
    let special = (bitcast<vec4u>(v) & exponent) == exponent;
    let labelBits = labels[i];
    let l = bitcast<vec4f>(labelBits);
    grad[i] = (select(exp(v - rowMax) * invSum, vec4f(0.0), special) - l) * scale;
    labelsFinite = labelsFinite && !any((labelBits & exponent) == exponent);
    let nlp = select((rowMax - v) + logSum, infinity, special);
    total += select(vec4f(0.0), l * nlp, (labelBits & vec4u(0x7fffffffu)) != vec4u(0u));
  }
  loss[row] = select(nan, (total.x + total.y) + (total.z + total.w), labelsFinite);
}
