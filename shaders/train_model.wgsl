// Not a kernel: the host appends this to train_small.wgsl and train_small_lanes.wgsl
// (src/kernels/wgsl-parts.ts). The model, its bindings and everything but the backward pass through
// a stage (stageBackward) and the entry point, which each kernel defines: the scalar kernel
// accumulates one sample's gradients, the lanes kernel sums them over its lanes first.
//
// The model is a table of stages (a Dense with its fused activation, or a lone activation), 8
// words each: kind, inputs, outputs, activation, kernel offset, bias offset (NO_BIAS if none),
// offset of the stage's input and of its output in the per-sample activation array. The choices
// that branch (loss, metric, label kind, optimizer, each stage's activation and kind, the stage
// count) are pipeline overrides: SwiftShader runs every arm of a branch it cannot prove uniform,
// with lanes masked, so a kernel that switched on them at run time paid for every activation,
// loss and update rule on every sample (measured: 2x slower for the XOR model). With overrides
// the dead arms are compiled away; one pipeline per model configuration.
//
// Parameters, gradients and optimizer state are flat arrays with one layout (each tensor 64-float
// aligned). Memory traffic per sample: its inputs and targets once, every parameter twice
// (forward, backward) plus one gradient read-modify-write; the update touches each parameter and
// its state once per step. Activations and deltas live in private memory.
//
// Limits (checked by the host): at most MAX_STAGES stages, widths <= MAX_WIDTH, sum of widths
// <= MAX_ACTIVATIONS.

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
  // The rate of step s is aux[rateBase + s - rateStep] (bits of an f32; Adam's bias correction
  // included); rateStep is the group's first step.
  rateBase: u32,
  rateStep: u32,
  // records.epochs[stepLogBase + s - rateStep] gets step s's mean loss and metric (or NO_RECORD).
  stepLogBase: u32,
  // records.epochs[snapshotBase + slot * stride ..] gets the weights and optimizer state at the
  // end of the epoch in `slot` (or NO_RECORD); stride: (1 + state slots) * paramCount / 4.
  snapshotBase: u32,
  momentum: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read> aux: array<u32>;
@group(0) @binding(3) var<storage, read> stages: array<u32>;
@group(0) @binding(4) var<storage, read_write> weights: array<f32>;
@group(0) @binding(5) var<storage, read_write> state: array<f32>;
// Records: train_records.wgsl, which the host appends too.
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
// leakyRelu's slope of each stage (read only by a stage whose code is ACT_LEAKY_RELU).
override alpha0: f32 = 0.2;
override alpha1: f32 = 0.2;
override alpha2: f32 = 0.2;
override alpha3: f32 = 0.2;
override alpha4: f32 = 0.2;
override alpha5: f32 = 0.2;
override alpha6: f32 = 0.2;
override alpha7: f32 = 0.2;

const MAX_STAGES = 8u;
const MAX_WIDTH = 64u;
const MAX_ACTIVATIONS = 1024u;
const NO_BIAS = 0xffffffffu;
const NO_PERMUTATION = 0xffffffffu;

const EPSILON = 1e-7f;
const ONE_MINUS_EPSILON = 0.99999988f;

var<private> acts: array<f32, MAX_ACTIVATIONS>;
var<private> delta: array<f32, MAX_WIDTH>;
var<private> dz: array<f32, MAX_WIDTH>;

fn isFinite(v: f32) -> bool {
  return (bitcast<u32>(v) & EXPONENT_BITS) != EXPONENT_BITS;
}

// The element-wise math is parts/activation.wgsl's (the host appends it); softmax is row-wise.
alias ActValue = f32;

fn activateRange(act: u32, alpha: f32, at: u32, n: u32) {
  if (act == ACT_LINEAR) { return; }
  if (act == ACT_SOFTMAX) {
    var m = acts[at];
    for (var j = 1u; j < n; j++) { m = max(m, acts[at + j]); }
    var sum = 0.0;
    for (var j = 0u; j < n; j++) {
      let e = exp(acts[at + j] - m);
      acts[at + j] = e;
      sum += e;
    }
    for (var j = 0u; j < n; j++) { acts[at + j] = acts[at + j] / sum; }
    return;
  }
  for (var j = 0u; j < n; j++) { acts[at + j] = activate(act, alpha, acts[at + j]); }
}

// dz = delta * act'(y), y = acts[at ..].
fn activationBackward(act: u32, alpha: f32, at: u32, n: u32) {
  if (act == ACT_SOFTMAX) {
    var dot = 0.0;
    for (var j = 0u; j < n; j++) { dot += delta[j] * acts[at + j]; }
    for (var j = 0u; j < n; j++) { dz[j] = acts[at + j] * (delta[j] - dot); }
    return;
  }
  for (var j = 0u; j < n; j++) { dz[j] = delta[j] * activationSlope(act, alpha, acts[at + j]); }
}

// Targets: parts/labels.wgsl.
fn labelWidth() -> u32 {
  return params.outputWidth;
}

// Row s of the stage table (its words: see the header).
struct Stage {
  inputs: u32,
  units: u32,
  kernel: u32,
  bias: u32,
  // Offsets of the stage's input and output in `acts`.
  src: u32,
  out: u32,
}

fn stageAt(s: u32) -> Stage {
  let e = s * 8u;
  return Stage(stages[e + 1u], stages[e + 2u], stages[e + 4u], stages[e + 5u], stages[e + 6u], stages[e + 7u]);
}

// Forward through stage s (a constant at each call site, as are its activation and alpha).
fn stageForward(s: u32, act: u32, alpha: f32) {
  let st = stageAt(s);
  if (((denseMask >> s) & 1u) != 0u) {
    for (var j = 0u; j < st.units; j++) {
      var z = 0.0;
      if (((biasMask >> s) & 1u) != 0u) { z = weights[st.bias + j]; }
      for (var i = 0u; i < st.inputs; i++) { z += acts[st.src + i] * weights[st.kernel + i * st.units + j]; }
      acts[st.out + j] = z;
    }
  } else {
    for (var j = 0u; j < st.units; j++) { acts[st.out + j] = acts[st.src + j]; }
  }
  activateRange(act, alpha, st.out, st.units);
}

// Runs one sample forward; returns where the model's output starts in `acts`.
fn forward(sample: u32) -> u32 {
  let inputWidth = params.inputWidth;
  for (var i = 0u; i < inputWidth; i++) { acts[i] = x[sample * inputWidth + i]; }
  stageForward(0u, act0, alpha0);
  if (stageCount > 1u) { stageForward(1u, act1, alpha1); }
  if (stageCount > 2u) { stageForward(2u, act2, alpha2); }
  if (stageCount > 3u) { stageForward(3u, act3, alpha3); }
  if (stageCount > 4u) { stageForward(4u, act4, alpha4); }
  if (stageCount > 5u) { stageForward(5u, act5, alpha5); }
  if (stageCount > 6u) { stageForward(6u, act6, alpha6); }
  if (stageCount > 7u) { stageForward(7u, act7, alpha7); }
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

// Backward pass of one sample whose forward pass is in `acts` and loss gradient in `delta`.
fn backward() {
  if (stageCount > 7u) { stageBackward(7u, act7, alpha7); }
  if (stageCount > 6u) { stageBackward(6u, act6, alpha6); }
  if (stageCount > 5u) { stageBackward(5u, act5, alpha5); }
  if (stageCount > 4u) { stageBackward(4u, act4, alpha4); }
  if (stageCount > 3u) { stageBackward(3u, act3, alpha3); }
  if (stageCount > 2u) { stageBackward(2u, act2, alpha2); }
  if (stageCount > 1u) { stageBackward(1u, act1, alpha1); }
  stageBackward(0u, act0, alpha0);
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
  let rate = bitcast<f32>(aux[params.rateBase + step - params.rateStep]);
  for (var s = 0u; s < stageCount; s++) {
    if (((denseMask >> s) & 1u) == 0u) { continue; }
    let st = stageAt(s);
    updateRange(st.kernel, st.inputs * st.units, rate, scale);
    if (((biasMask >> s) & 1u) != 0u) { updateRange(st.bias, st.units, rate, scale); }
  }
}

// Optimizer state values per parameter after the gradient slot (velocity; Adam's m and v).
fn stateSlots() -> u32 {
  switch optimizerCode {
    case OPT_SGD: { return 0u; }
    case OPT_MOMENTUM, OPT_NESTEROV: { return 1u; }
    default: { return 2u; }
  }
}

// Step s's mean loss and metric, for the host's batch callbacks.
fn logStep(step: u32, loss: f32, metric: f32) {
  if (params.stepLogBase != NO_RECORD) { records.epochs[params.stepLogBase + step - params.rateStep] = vec4<f32>(loss, metric, 0.0, 0.0); }
}

// The weights and optimizer state of parameters [start, start + n) into the snapshot at word
// `base`, as whole vec4s: base and start are multiples of 4 (each tensor starts 64-float
// aligned), so the last vec4 only spills into the tensor's padding, which no one restores.
fn snapshotRange(base: u32, start: u32, n: u32, slots: u32) {
  let count = params.paramCount;
  for (var p = start; p < start + n; p += 4u) {
    records.epochs[(base + p) / 4u] = vec4<f32>(weights[p], weights[p + 1u], weights[p + 2u], weights[p + 3u]);
    for (var k = 1u; k <= slots; k++) {
      let q = k * count + p;
      records.epochs[(base + q) / 4u] = vec4<f32>(state[q], state[q + 1u], state[q + 2u], state[q + 3u]);
    }
  }
}

// The weights and optimizer state of the real parameters (not the alignment padding) at the end
// of the epoch in `slot`, in the flat layout (weights, then each state slot). Callers check
// params.snapshotBase != NO_RECORD first, outside any per-lane branch, so that a fit without
// snapshots skips the call in uniform control flow.
fn snapshot(slot: u32) {
  let slots = stateSlots();
  let base = 4u * params.snapshotBase + slot * (1u + slots) * params.paramCount;
  for (var s = 0u; s < stageCount; s++) {
    if (((denseMask >> s) & 1u) == 0u) { continue; }
    let st = stageAt(s);
    snapshotRange(base, st.kernel, st.inputs * st.units, slots);
    if (((biasMask >> s) & 1u) != 0u) { snapshotRange(base, st.bias, st.units, slots); }
  }
}
