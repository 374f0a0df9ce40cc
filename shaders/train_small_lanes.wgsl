// Fused small-model trainer, batch-parallel variant of train_small.wgsl (same stages, losses,
// optimizers, records and stop rule; read that file first). A workgroup of LANES invocations
// that fits in one subgroup runs the steps: lane l takes samples start + l, start + l + LANES, ...
// of each batch through the forward pass, the loss and the backward pass in its own private
// memory, and the parameter gradients are summed across lanes with subgroupAdd (lane 0 adds the
// sum to the gradient buffer); lane 0 applies the optimizer, and a storage barrier makes the new
// weights visible to every lane before the next step. On SwiftShader, whose SIMD lanes run one
// invocation each, the scalar kernel leaves 3 of 4 lanes idle; here they work on other samples.
// Lanes past the end of a batch run a valid sample too (uniform control flow for the subgroup
// operations) and contribute zeros.
//
// Needs the `subgroups` feature and a subgroup size of at least LANES (the host checks).
// Every subgroup operation is reached by all lanes together: the branches around them depend
// only on values that are the same in every lane (uniform parameters, read-only tables, and
// subgroupAdd results); the diagnostic below says so where the analysis cannot see it. Flags in
// read-write storage (records.stopped, the finiteness of the batch loss) pass through
// workgroupUniformLoad, so that the barriers sit in uniform control flow.

enable subgroups;
diagnostic(off, subgroup_uniformity);

struct Params {
  firstStep: u32,
  stepCount: u32,
  stepsPerEpoch: u32,
  trainSamples: u32,
  batchSize: u32,
  valStart: u32,
  valCount: u32,
  inputWidth: u32,
  outputWidth: u32,
  paramCount: u32,
  // records.epochs[e - recordEpoch] holds epoch e.
  recordEpoch: u32,
  // Row e - permEpoch of `aux` is epoch e's sample order; NO_PERMUTATION: samples in order.
  permEpoch: u32,
  // Adam's per-step rate for step s is aux[rateBase + s - rateStep] (bits of an f32).
  rateBase: u32,
  rateStep: u32,
  learningRate: f32,
  momentum: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
}

struct Records {
  stopped: u32,
  stopEpoch: u32,
  stopBatch: u32,
  completedSteps: u32,
  lastBatchLoss: f32,
  lastBatchMetric: f32,
  pad0: u32,
  pad1: u32,
  // (loss sum, metric sum, validation loss sum, validation metric sum) per epoch.
  epochs: array<vec4<f32>>,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<u32>;
@group(0) @binding(2) var<storage, read> aux: array<u32>;
@group(0) @binding(3) var<storage, read> stages: array<u32>;
@group(0) @binding(4) var<storage, read_write> weights: array<f32>;
@group(0) @binding(5) var<storage, read_write> state: array<f32>;
@group(0) @binding(6) var<storage, read_write> records: Records;
@group(0) @binding(7) var<uniform> params: Params;

override stageCount: u32 = 1u;
override lossCode: u32 = 0u;
override metricCode: u32 = 0u;
override labelKind: u32 = 0u;
override optimizerCode: u32 = 0u;
// Bit s set: stage s is a Dense (else a lone activation) / has a bias.
override denseMask: u32 = 1u;
override biasMask: u32 = 1u;
// Activation code of each stage.
override act0: u32 = 0u;
override act1: u32 = 0u;
override act2: u32 = 0u;
override act3: u32 = 0u;
override act4: u32 = 0u;
override act5: u32 = 0u;
override act6: u32 = 0u;
override act7: u32 = 0u;

const MAX_STAGES = 8u;
// Invocations per workgroup (a subgroup must hold them all).
const LANES = 4u;
const MAX_WIDTH = 64u;
const MAX_ACTIVATIONS = 1024u;
const NO_BIAS = 0xffffffffu;
const NO_PERMUTATION = 0xffffffffu;
const EXPONENT_BITS = 0x7f800000u;

const ACT_LINEAR = 0u;
const ACT_SIGMOID = 1u;
const ACT_RELU = 2u;
const ACT_TANH = 3u;
const ACT_SOFTMAX = 4u;

const LOSS_MSE = 0u;
const LOSS_BCE = 1u;
const LOSS_CCE = 2u;
const LOSS_SOFTMAX_CE = 3u;

const LABEL_DENSE = 0u;
const LABEL_INDEX_FLOAT = 1u;

const METRIC_BINARY = 1u;
const METRIC_CATEGORICAL = 2u;
const METRIC_SPARSE = 3u;

const OPT_SGD = 0u;
const OPT_MOMENTUM = 1u;
const OPT_NESTEROV = 2u;
const OPT_ADAM = 3u;

const EPSILON = 1e-7f;
const ONE_MINUS_EPSILON = 0.99999988f;

var<private> acts: array<f32, MAX_ACTIVATIONS>;
var<private> delta: array<f32, MAX_WIDTH>;
var<private> dz: array<f32, MAX_WIDTH>;
// Whether this lane's current sample belongs to the batch (else its contributions are zero).
var<private> laneValid: bool;
var<private> lane: u32;
// Lane 0's view of a flag, shared so that every lane branches on the same (uniform) value.
var<workgroup> sharedFlag: u32;

/** `v` as lane 0 has it, uniform across the workgroup (a barrier). */
fn fromLaneZero(v: u32) -> u32 {
  if (lane == 0u) { sharedFlag = v; }
  return workgroupUniformLoad(&sharedFlag);
}

fn isFinite(v: f32) -> bool {
  return (bitcast<u32>(v) & EXPONENT_BITS) != EXPONENT_BITS;
}

fn activate(act: u32, at: u32, n: u32) {
  switch act {
    case ACT_SIGMOID: {
      for (var j = 0u; j < n; j++) { acts[at + j] = 1.0 / (1.0 + exp(-acts[at + j])); }
    }
    case ACT_RELU: {
      for (var j = 0u; j < n; j++) { acts[at + j] = max(acts[at + j], 0.0); }
    }
    case ACT_TANH: {
      for (var j = 0u; j < n; j++) { acts[at + j] = tanh(acts[at + j]); }
    }
    case ACT_SOFTMAX: {
      var m = acts[at];
      for (var j = 1u; j < n; j++) { m = max(m, acts[at + j]); }
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let e = exp(acts[at + j] - m);
        acts[at + j] = e;
        sum += e;
      }
      for (var j = 0u; j < n; j++) { acts[at + j] = acts[at + j] / sum; }
    }
    default: {}
  }
}

// dz = delta * act'(y), y = acts[at ..].
fn activationBackward(act: u32, at: u32, n: u32) {
  switch act {
    case ACT_SIGMOID: {
      for (var j = 0u; j < n; j++) { let v = acts[at + j]; dz[j] = delta[j] * v * (1.0 - v); }
    }
    case ACT_RELU: {
      for (var j = 0u; j < n; j++) { dz[j] = select(0.0, delta[j], acts[at + j] > 0.0); }
    }
    case ACT_TANH: {
      for (var j = 0u; j < n; j++) { let v = acts[at + j]; dz[j] = delta[j] * (1.0 - v * v); }
    }
    case ACT_SOFTMAX: {
      var dot = 0.0;
      for (var j = 0u; j < n; j++) { dot += delta[j] * acts[at + j]; }
      for (var j = 0u; j < n; j++) { dz[j] = acts[at + j] * (delta[j] - dot); }
    }
    default: {
      for (var j = 0u; j < n; j++) { dz[j] = delta[j]; }
    }
  }
}

fn targetValue(sample: u32, j: u32) -> f32 {
  let n = params.outputWidth;
  if (labelKind == LABEL_DENSE) { return bitcast<f32>(y[sample * n + j]); }
  return select(0.0, 1.0, j == classIndex(sample));
}

fn classIndex(sample: u32) -> u32 {
  if (labelKind == LABEL_INDEX_FLOAT) { return u32(bitcast<f32>(y[sample])); }
  return y[sample];
}

// Forward through stage s (a constant at each call site, as is its activation).
fn stageForward(s: u32, act: u32) {
  let e = s * 8u;
  let n = stages[e + 1u];
  let m = stages[e + 2u];
  let kernel = stages[e + 4u];
  let bias = stages[e + 5u];
  let src = stages[e + 6u];
  let out = stages[e + 7u];
  if (((denseMask >> s) & 1u) != 0u) {
    for (var j = 0u; j < m; j++) {
      var z = 0.0;
      if (((biasMask >> s) & 1u) != 0u) { z = weights[bias + j]; }
      for (var i = 0u; i < n; i++) { z += acts[src + i] * weights[kernel + i * m + j]; }
      acts[out + j] = z;
    }
  } else {
    for (var j = 0u; j < m; j++) { acts[out + j] = acts[src + j]; }
  }
  activate(act, out, m);
}

// Runs one sample forward; returns where the model's output starts in `acts`.
fn forward(sample: u32) -> u32 {
  let inputWidth = params.inputWidth;
  for (var i = 0u; i < inputWidth; i++) { acts[i] = x[sample * inputWidth + i]; }
  stageForward(0u, act0);
  if (stageCount > 1u) { stageForward(1u, act1); }
  if (stageCount > 2u) { stageForward(2u, act2); }
  if (stageCount > 3u) { stageForward(3u, act3); }
  if (stageCount > 4u) { stageForward(4u, act4); }
  if (stageCount > 5u) { stageForward(5u, act5); }
  if (stageCount > 6u) { stageForward(6u, act6); }
  if (stageCount > 7u) { stageForward(7u, act7); }
  return stages[(stageCount - 1u) * 8u + 7u];
}

// The sample's loss; leaves dL/d(output) in `delta` (dL/d(logits) for the fused softmax loss).
fn loss(sample: u32, at: u32) -> f32 {
  let n = params.outputWidth;
  switch lossCode {
    case LOSS_MSE: {
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let d = acts[at + j] - targetValue(sample, j);
        sum += d * d;
        delta[j] = 2.0 * d / f32(n);
      }
      return sum / f32(n);
    }
    case LOSS_BCE: {
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let o = acts[at + j];
        let p = clamp(o, EPSILON, ONE_MINUS_EPSILON);
        let t = targetValue(sample, j);
        sum -= t * log(p) + (1.0 - t) * log(1.0 - p);
        delta[j] = select(0.0, (p - t) / (p * (1.0 - p)) / f32(n), o >= EPSILON && o <= ONE_MINUS_EPSILON);
      }
      return sum / f32(n);
    }
    case LOSS_CCE: {
      var total = 0.0;
      for (var j = 0u; j < n; j++) { total += acts[at + j]; }
      var l = 0.0;
      var weighted = 0.0;
      for (var j = 0u; j < n; j++) {
        let q = acts[at + j] / total;
        let t = targetValue(sample, j);
        l -= t * log(clamp(q, EPSILON, ONE_MINUS_EPSILON));
        let g = select(0.0, -t / q, q >= EPSILON && q <= ONE_MINUS_EPSILON);
        delta[j] = g;
        weighted += g * q;
      }
      for (var j = 0u; j < n; j++) { delta[j] = (delta[j] - weighted) / total; }
      return l;
    }
    default: {
      var m = acts[at];
      for (var j = 1u; j < n; j++) { m = max(m, acts[at + j]); }
      var sum = 0.0;
      for (var j = 0u; j < n; j++) { sum += exp(acts[at + j] - m); }
      let logSum = m + log(sum);
      var l = 0.0;
      for (var j = 0u; j < n; j++) {
        let t = targetValue(sample, j);
        if (t != 0.0) { l -= t * (acts[at + j] - logSum); }
        delta[j] = exp(acts[at + j] - m) / sum - t;
      }
      return l;
    }
  }
}

fn argmaxOutput(at: u32, n: u32) -> u32 {
  var best = 0u;
  for (var j = 1u; j < n; j++) { if (acts[at + j] > acts[at + best]) { best = j; } }
  return best;
}

fn metric(sample: u32, at: u32) -> f32 {
  let n = params.outputWidth;
  switch metricCode {
    case METRIC_BINARY: {
      var right = 0.0;
      for (var j = 0u; j < n; j++) {
        let predicted = select(0.0, 1.0, acts[at + j] > 0.5);
        if (predicted == targetValue(sample, j)) { right += 1.0; }
      }
      return right / f32(n);
    }
    case METRIC_CATEGORICAL: {
      var best = 0u;
      for (var j = 1u; j < n; j++) { if (targetValue(sample, j) > targetValue(sample, best)) { best = j; } }
      return select(0.0, 1.0, argmaxOutput(at, n) == best);
    }
    case METRIC_SPARSE: {
      return select(0.0, 1.0, argmaxOutput(at, n) == classIndex(sample));
    }
    default: { return 0.0; }
  }
}

// Backward through stage s: from dL/d(output) in `delta`, adds the stage's parameter gradients,
// summed over the lanes, to state[0 ..) (lane 0 writes) and leaves dL/d(input) in `delta`.
fn stageBackward(s: u32, act: u32) {
  let e = s * 8u;
  let n = stages[e + 1u];
  let m = stages[e + 2u];
  let kernel = stages[e + 4u];
  let bias = stages[e + 5u];
  let src = stages[e + 6u];
  activationBackward(act, stages[e + 7u], m);
  if (((denseMask >> s) & 1u) != 0u) {
    if (((biasMask >> s) & 1u) != 0u) {
      for (var j = 0u; j < m; j++) {
        let g = subgroupAdd(select(0.0, dz[j], laneValid));
        if (lane == 0u) { state[bias + j] += g; }
      }
    }
    for (var i = 0u; i < n; i++) {
      let a = acts[src + i];
      var back = 0.0;
      for (var j = 0u; j < m; j++) {
        let g = subgroupAdd(select(0.0, a * dz[j], laneValid));
        if (lane == 0u) { state[kernel + i * m + j] += g; }
        if (s != 0u) { back += dz[j] * weights[kernel + i * m + j]; }
      }
      delta[i] = back;
    }
  } else {
    for (var j = 0u; j < m; j++) { delta[j] = dz[j]; }
  }
}

// Backward pass of one sample whose forward pass is in `acts` and loss gradient in `delta`.
fn backward() {
  if (stageCount > 7u) { stageBackward(7u, act7); }
  if (stageCount > 6u) { stageBackward(6u, act6); }
  if (stageCount > 5u) { stageBackward(5u, act5); }
  if (stageCount > 4u) { stageBackward(4u, act4); }
  if (stageCount > 3u) { stageBackward(3u, act3); }
  if (stageCount > 2u) { stageBackward(2u, act2); }
  if (stageCount > 1u) { stageBackward(1u, act1); }
  stageBackward(0u, act0);
}

// The optimizer over parameters [start, start + n), with their batch-summed gradients (zeroed
// for the next step) and state slots; one loop per update rule, so the loop body has no branch.
fn updateRange(start: u32, n: u32, rate: f32, scale: f32) {
  let count = params.paramCount;
  let momentum = params.momentum;
  let end = start + n;
  switch optimizerCode {
    case OPT_SGD: {
      for (var p = start; p < end; p++) {
        weights[p] -= rate * (state[p] * scale);
        state[p] = 0.0;
      }
    }
    case OPT_MOMENTUM: {
      for (var p = start; p < end; p++) {
        let v = momentum * state[count + p] - rate * (state[p] * scale);
        state[count + p] = v;
        weights[p] += v;
        state[p] = 0.0;
      }
    }
    case OPT_NESTEROV: {
      for (var p = start; p < end; p++) {
        let g = state[p] * scale;
        let v = momentum * state[count + p] - rate * g;
        state[count + p] = v;
        weights[p] += momentum * v - rate * g;
        state[p] = 0.0;
      }
    }
    default: {
      let b1 = 1.0 - params.beta1;
      let b2 = 1.0 - params.beta2;
      for (var p = start; p < end; p++) {
        let g = state[p] * scale;
        let m = state[count + p] + (g - state[count + p]) * b1;
        let v = state[2u * count + p] + (g * g - state[2u * count + p]) * b2;
        state[count + p] = m;
        state[2u * count + p] = v;
        weights[p] -= rate * m / (sqrt(v) + params.epsilon);
        state[p] = 0.0;
      }
    }
  }
}

// One optimizer step over every parameter tensor (the Dense stages' kernels and biases).
fn update(step: u32, scale: f32) {
  var rate = params.learningRate;
  if (optimizerCode == OPT_ADAM) { rate = bitcast<f32>(aux[params.rateBase + step - params.rateStep]); }
  for (var s = 0u; s < stageCount; s++) {
    let e = s * 8u;
    if (((denseMask >> s) & 1u) == 0u) { continue; }
    updateRange(stages[e + 4u], stages[e + 1u] * stages[e + 2u], rate, scale);
    if (((biasMask >> s) & 1u) != 0u) { updateRange(stages[e + 5u], stages[e + 2u], rate, scale); }
  }
}

// The sample lane `lane` runs at position r of the training order (or, past `end`, a stand-in).
fn trainSample(epoch: u32, r: u32) -> u32 {
  if (params.permEpoch != NO_PERMUTATION) { return aux[(epoch - params.permEpoch) * params.trainSamples + r]; }
  return r;
}

@compute @workgroup_size(LANES)
fn main(@builtin(local_invocation_index) laneIndex: u32) {
  lane = laneIndex;
  if (fromLaneZero(records.stopped) != 0u) { return; }
  let steps = params.stepsPerEpoch;
  for (var k = 0u; k < params.stepCount; k++) {
    let step = params.firstStep + k;
    let epoch = step / steps;
    let batch = step % steps;
    let slot = epoch - params.recordEpoch;
    let start = batch * params.batchSize;
    let end = min(start + params.batchSize, params.trainSamples);
    var lossSum = 0.0;
    var metricSum = 0.0;
    for (var base = start; base < end; base += LANES) {
      let r = base + lane;
      laneValid = r < end;
      let sample = trainSample(epoch, select(start, r, laneValid));
      let at = forward(sample);
      let m = metric(sample, at);
      let l = loss(sample, at);
      if (laneValid) {
        metricSum += m;
        lossSum += l;
      }
      backward();
    }
    lossSum = subgroupAdd(lossSum);
    metricSum = subgroupAdd(metricSum);
    // Every lane has read this step's weights (forward and backward) before lane 0 updates them.
    storageBarrier();
    if (fromLaneZero(select(0u, 1u, isFinite(lossSum))) == 0u) {
      if (lane == 0u) {
        records.stopped = 1u;
        records.stopEpoch = epoch;
        records.stopBatch = batch;
        for (var p = 0u; p < params.paramCount; p++) { state[p] = 0.0; }
      }
      return;
    }
    if (lane == 0u) {
      let count = f32(end - start);
      update(step, 1.0 / count);
      if (batch == 0u) { records.epochs[slot] = vec4<f32>(0.0); }
      records.epochs[slot].x += lossSum;
      records.epochs[slot].y += metricSum;
      records.lastBatchLoss = lossSum / count;
      records.lastBatchMetric = metricSum / count;
      records.completedSteps = step + 1u;
    }
    // The new weights reach every lane before the next forward pass.
    storageBarrier();
    if (batch == steps - 1u && params.valCount > 0u) {
      var valLoss = 0.0;
      var valMetric = 0.0;
      for (var base = 0u; base < params.valCount; base += LANES) {
        let v = base + lane;
        let valid = v < params.valCount;
        let sample = params.valStart + select(0u, v, valid);
        let at = forward(sample);
        let m = metric(sample, at);
        let l = loss(sample, at);
        if (valid) {
          valMetric += m;
          valLoss += l;
        }
      }
      valLoss = subgroupAdd(valLoss);
      valMetric = subgroupAdd(valMetric);
      if (lane == 0u) {
        records.epochs[slot].z = valLoss;
        records.epochs[slot].w = valMetric;
      }
    }
  }
}
