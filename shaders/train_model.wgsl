// Not a kernel: the host appends this to train_small.wgsl and train_small_lanes.wgsl
// (src/ops/shared/wgsl-parts.ts). The model, its bindings and everything but the backward pass through
// a stage (stageBackward) and the entry point, which each kernel defines: the scalar kernel
// accumulates one sample's gradients, the lanes kernel sums them over its lanes first.
//
// The model is a table of stages (a Dense with its fused activation, a lone activation, or a
// Dropout), 8 words each: kind, inputs, outputs, activation, kernel offset, bias offset (NO_BIAS
// if none), offset of the stage's input and of its output in the per-sample activation array (a
// Dropout's words 3 to 5: see dropoutAt). The choices
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
  // With ratesVary, the rate of step s is aux[rateBase + s - rateStep] (bits of an f32; Adam's and
  // AdamW's bias correction included); rateStep is the group's first step.
  rateBase: u32,
  rateStep: u32,
  // AdamW's weight decay of step s (lr * weightDecay at the step's rate) is
  // aux[decayBase + s - rateStep] (bits of an f32).
  decayBase: u32,
  // records.epochs[stepLogBase + s - rateStep] gets step s's mean loss and metrics (or NO_RECORD).
  stepLogBase: u32,
  // The snapshot of the epoch in `slot` (the weights and optimizer state at its end) starts at
  // word EPOCH_RECORD_WORDS * snapshotBase + slot * (1 + state slots) * paramCount of
  // records.epochs (or NO_RECORD: none kept).
  snapshotBase: u32,
  // Step s's optimizer iteration is iterations + s (wrapping): its Dropout masks' counter.
  iterations: u32,
  pad0: u32,
  pad1: u32,
  // The optimizer's step (parts/optimizer.wgsl); its rate (ratesVary) and AdamW's decay are replaced per step from aux.
  rule: StepRule,
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
// Up to four metrics (parts/metrics.wgsl), and whether they read softmax of the outputs.
override metricCode0: u32 = 0u;
override metricCode1: u32 = 0u;
override metricCode2: u32 = 0u;
override metricCode3: u32 = 0u;
override softmaxForMetrics: u32 = 0u;
override labelKind: u32 = 0u;
override optimizerCode: u32 = 0u;
// Bit s set: stage s is a Dense (else a lone activation or a Dropout) / has a bias / is a Dropout.
override denseMask: u32 = 1u;
override biasMask: u32 = 1u;
override dropoutMask: u32 = 0u;
// Whether the fit keeps per-step logs (batch callbacks) and per-epoch snapshots (callbacks that
// may rewind to an epoch's end): overrides too, so that a fit without them compiles their stores
// away rather than paying for them on every step.
override logsSteps: u32 = 0u;
override keepsSnapshots: u32 = 0u;
// Whether the rate varies from step to step within the dispatch's group (Adam's and AdamW's bias
// correction, or a schedule's epochs): then each step reads its rate from aux; else params.rule's
// rate holds for every step and the per-step load compiles away.
override ratesVary: u32 = 0u;
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

var<private> acts: array<f32, MAX_ACTIVATIONS>;
// Where the sample being run sits: its step and row in the batch (the Dropout masks' counters),
// and whether Dropout is on (training) or off (validation).
var<private> dropoutOn: bool;
var<private> dropoutStep: u32;
var<private> dropoutRow: u32;
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

// dz = delta * act'(y), y = acts[at ..] (z for gelu and swish: slopeSource).
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

// Where stage st's act'(z) is read off: its output y, or its input for gelu and swish, which y
// does not determine. The host gives those a stage of their own after a linear Dense
// (buildStages), so their input is z.
fn slopeSource(act: u32, st: Stage) -> u32 {
  if (act == ACT_GELU || act == ACT_SWISH) { return st.src; }
  return st.out;
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
    for (var j = 0u; j < st.units; j++) { acts[st.out + j] = acts[st.src + j] * dropoutAt(s, j); }
  }
  activateRange(act, alpha, st.out, st.units);
}

// The factor Dropout stage s applies to unit j of this sample (parts/dropout.wgsl); 1 for other
// stages and off training. A Dropout stage's words 3 to 5 are its scale (f32 bits), threshold and
// seed.
fn dropoutAt(s: u32, j: u32) -> f32 {
  if (((dropoutMask >> s) & 1u) == 0u || !dropoutOn) { return 1.0; }
  let e = s * 8u;
  return dropoutFactor(stages[e + 5u], dropoutStep, dropoutRow * stages[e + 2u] + j, stages[e + 4u], bitcast<f32>(stages[e + 3u]));
}

// Back through a stage without parameters: dL/d(input) = dz (times the Dropout mask).
fn passBack(s: u32, n: u32) {
  for (var j = 0u; j < n; j++) { delta[j] = dz[j] * dropoutAt(s, j); }
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

// The accessors parts/losses.wgsl and parts/metrics.wgsl read: the sample's outputs in `acts`
// from `at`, the loss gradient in `delta` (dL/d(logits) for the losses from logits).
fn outputValue(at: u32, j: u32) -> f32 {
  return acts[at + j];
}

fn lossGradient(at: u32, j: u32) -> f32 {
  return delta[j];
}

fn setLossGradient(at: u32, j: u32, g: f32) {
  delta[j] = g;
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

// The state accessors parts/optimizer.wgsl reads: slot k of parameter p is
// state[k * paramCount + p] (slot 0 holds the batch's summed gradients).
alias OptValue = f32;

fn loadSlot(k: u32, p: u32) -> f32 {
  return state[k * params.paramCount + p];
}

fn storeSlot(k: u32, p: u32, v: f32) {
  state[k * params.paramCount + p] = v;
}

// The optimizer over parameters [start, start + n), with their batch-summed gradients (zeroed
// for the next step) and state slots.
fn updateRange(start: u32, n: u32, rule: StepRule, scale: f32) {
  let end = start + n;
  for (var p = start; p < end; p++) {
    optimizerUpdate(p, state[p] * scale, rule);
    state[p] = 0.0;
  }
}

// One optimizer step over every parameter tensor (the Dense stages' kernels and biases).
fn update(step: u32, scale: f32) {
  var rule = params.rule;
  if (ratesVary != 0u) { rule.rate = bitcast<f32>(aux[params.rateBase + step - params.rateStep]); }
  if (optimizerCode == OPT_ADAMW) { rule.decay = bitcast<f32>(aux[params.decayBase + step - params.rateStep]); }
  for (var s = 0u; s < stageCount; s++) {
    if (((denseMask >> s) & 1u) == 0u) { continue; }
    let st = stageAt(s);
    updateRange(st.kernel, st.inputs * st.units, rule, scale);
    if (((biasMask >> s) & 1u) != 0u) { updateRange(st.bias, st.units, rule, scale); }
  }
}

// Optimizer state values per parameter after the gradient slot (slots 1 to stateSlots() of
// parts/optimizer.wgsl; the host's optimizer `slots`).
fn stateSlots() -> u32 {
  switch optimizerCode {
    case OPT_SGD: { return 0u; }
    case OPT_MOMENTUM, OPT_NESTEROV, OPT_ADAGRAD: { return 1u; }
    case OPT_RMSPROP_CENTERED: { return 3u; }
    // Adam's and AdamW's moments; RMSprop's mean square and velocity.
    default: { return 2u; }
  }
}

// Step s's mean loss and metrics, for the host's batch callbacks.
fn logStep(step: u32, loss: f32, metrics: vec4f) {
  if (logsSteps != 0u) { records.epochs[params.stepLogBase + step - params.rateStep] = EpochRecord(vec4f(loss, 0.0, 0.0, 0.0), metrics, vec4f(0.0)); }
}

// Vec4 i of records.epochs, counted in vec4s (three per EpochRecord), set to v.
fn storeRecordVec4(i: u32, v: vec4f) {
  let r = i / 3u;
  let field = i % 3u;
  if (field == 0u) {
    records.epochs[r].losses = v;
  } else if (field == 1u) {
    records.epochs[r].metrics = v;
  } else {
    records.epochs[r].valMetrics = v;
  }
}

// The weights and optimizer state of parameters [start, start + n) into the snapshot at word
// `base` of records.epochs, as whole vec4s: base and start are multiples of 4 (each tensor starts
// 64-float aligned), so the last vec4 only spills into the tensor's padding, which no one restores.
fn snapshotRange(base: u32, start: u32, n: u32, slots: u32) {
  let count = params.paramCount;
  for (var p = start; p < start + n; p += 4u) {
    storeRecordVec4((base + p) / 4u, vec4<f32>(weights[p], weights[p + 1u], weights[p + 2u], weights[p + 3u]));
    for (var k = 1u; k <= slots; k++) {
      let q = k * count + p;
      storeRecordVec4((base + q) / 4u, vec4<f32>(state[q], state[q + 1u], state[q + 2u], state[q + 3u]));
    }
  }
}

// The weights and optimizer state of the real parameters (not the alignment padding) at the end
// of the epoch in `slot`, in the flat layout (weights, then each state slot). Callers check
// keepsSnapshots first, outside any per-lane branch.
fn snapshot(slot: u32) {
  let slots = stateSlots();
  let base = EPOCH_RECORD_WORDS * params.snapshotBase + slot * (1u + slots) * params.paramCount;
  for (var s = 0u; s < stageCount; s++) {
    if (((denseMask >> s) & 1u) == 0u) { continue; }
    let st = stageAt(s);
    snapshotRange(base, st.kernel, st.inputs * st.units, slots);
    if (((biasMask >> s) & 1u) != 0u) { snapshotRange(base, st.bias, st.units, slots); }
  }
}
