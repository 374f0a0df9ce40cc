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
//
// The model, its bindings, forward pass, losses and optimizers are in train_model.wgsl, which the
// host appends.

enable subgroups;
diagnostic(off, subgroup_uniformity);

// Invocations per workgroup (a subgroup must hold them all).
const LANES = 4u;

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

// Backward through stage s: from dL/d(output) in `delta`, adds the stage's parameter gradients,
// summed over the lanes, to state[0 ..) (lane 0 writes) and leaves dL/d(input) in `delta`.
fn stageBackward(s: u32, act: u32, alpha: f32) {
  let st = stageAt(s);
  activationBackward(act, alpha, slopeSource(act, st), st.units);
  if (((denseMask >> s) & 1u) != 0u) {
    if (((biasMask >> s) & 1u) != 0u) {
      for (var j = 0u; j < st.units; j++) {
        let g = subgroupAdd(select(0.0, dz[j], laneValid));
        if (lane == 0u) { state[st.bias + j] += g; }
      }
    }
    for (var i = 0u; i < st.inputs; i++) {
      let a = acts[st.src + i];
      var back = 0.0;
      for (var j = 0u; j < st.units; j++) {
        let g = subgroupAdd(select(0.0, a * dz[j], laneValid));
        if (lane == 0u) { state[st.kernel + i * st.units + j] += g; }
        if (s != 0u) { back += dz[j] * weights[st.kernel + i * st.units + j]; }
      }
      delta[i] = back;
    }
  } else {
    passBack(s, st.units);
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
    var metricSum = vec4f(0.0);
    dropoutOn = true;
    dropoutStep = params.iterations + step;
    for (var base = start; base < end; base += LANES) {
      let r = base + lane;
      dropoutRow = r - start;
      laneValid = r < end;
      let sample = trainSample(epoch, select(start, r, laneValid));
      let at = forward(sample);
      let m = sampleMetrics(sample, at, params.outputWidth);
      let l = sampleLoss(sample, at, params.outputWidth);
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
      if (batch == 0u) { records.epochs[slot] = EpochRecord(vec4f(0.0), vec4f(0.0), vec4f(0.0)); }
      records.epochs[slot].losses.x += lossSum;
      records.epochs[slot].metrics += metricSum;
      records.lastBatchLoss = lossSum / count;
      records.lastBatchMetrics = metricSum / count;
      records.completedSteps = step + 1u;
      logStep(step, lossSum / count, metricSum / count);
    }
    // The new weights reach every lane before the next forward pass.
    storageBarrier();
    if (batch == steps - 1u && params.valCount > 0u) {
      var valLoss = 0.0;
      var valMetric = vec4f(0.0);
      dropoutOn = false;
      for (var base = 0u; base < params.valCount; base += LANES) {
        let v = base + lane;
        let valid = v < params.valCount;
        let sample = params.valStart + select(0u, v, valid);
        let at = forward(sample);
        let m = sampleMetrics(sample, at, params.outputWidth);
        let l = sampleLoss(sample, at, params.outputWidth);
        if (valid) {
          valMetric += m;
          valLoss += l;
        }
      }
      valLoss = subgroupAdd(valLoss);
      valMetric = subgroupAdd(valMetric);
      if (lane == 0u) {
        records.epochs[slot].losses.y = valLoss;
        records.epochs[slot].valMetrics = valMetric;
      }
    }
    if (batch == steps - 1u && keepsSnapshots != 0u) {
      if (lane == 0u) { snapshot(slot); }
    }
  }
}
