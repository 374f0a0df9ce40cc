// Fused small-model trainer: ONE invocation runs whole training steps (and epochs) of a small
// Sequential model, so that a dispatch does thousands of steps instead of a step costing a dozen
// dispatches (about 20 us each on SwiftShader). Per step: take the batch's samples in the
// epoch's order (a permutation uploaded by the host), for each sample run the forward pass
// through every stage, the loss and its gradient, and the backward pass accumulating parameter
// gradients; then, if the batch loss is finite, apply the optimizer to every parameter; at the
// end of an epoch run the validation samples forward. Per-epoch sums (loss, metrics, validation
// loss, validation metrics) go to `records`; a non-finite batch loss stops training before its
// update and records where (later steps and dispatches then do nothing).
//
// The model, its bindings, forward pass, losses and optimizers are in train_model.wgsl, which the
// host appends.

// Backward through stage s: from dL/d(output) in `delta`, adds the stage's parameter gradients
// to state[0 ..) and leaves dL/d(input) in `delta` (not needed below stage 0).
fn stageBackward(s: u32, act: u32, alpha: f32) {
  let st = stageAt(s);
  activationBackward(act, alpha, slopeSource(act, st), st.units);
  if (((denseMask >> s) & 1u) != 0u) {
    if (((biasMask >> s) & 1u) != 0u) {
      for (var j = 0u; j < st.units; j++) { state[st.bias + j] += dz[j]; }
    }
    if (s == 0u) {
      for (var i = 0u; i < st.inputs; i++) {
        let a = acts[st.src + i];
        for (var j = 0u; j < st.units; j++) { state[st.kernel + i * st.units + j] += a * dz[j]; }
      }
    } else {
      for (var i = 0u; i < st.inputs; i++) {
        let a = acts[st.src + i];
        var back = 0.0;
        for (var j = 0u; j < st.units; j++) {
          state[st.kernel + i * st.units + j] += a * dz[j];
          back += dz[j] * weights[st.kernel + i * st.units + j];
        }
        delta[i] = back;
      }
    }
  } else {
    passBack(s, st.units);
  }
}

@compute @workgroup_size(1)
fn main() {
  if (records.stopped != 0u) { return; }
  let steps = params.stepsPerEpoch;
  for (var k = 0u; k < params.stepCount; k++) {
    let step = params.firstStep + k;
    let epoch = step / steps;
    let batch = step % steps;
    let slot = epoch - params.recordEpoch;
    if (batch == 0u) { records.epochs[slot] = EpochRecord(vec4f(0.0), vec4f(0.0), vec4f(0.0)); }
    let start = batch * params.batchSize;
    let end = min(start + params.batchSize, params.trainSamples);
    var lossSum = 0.0;
    var metricSum = vec4f(0.0);
    dropoutOn = true;
    dropoutStep = params.iterations + step;
    for (var r = start; r < end; r++) {
      dropoutRow = r - start;
      var sample = r;
      if (params.permEpoch != NO_PERMUTATION) { sample = aux[(epoch - params.permEpoch) * params.trainSamples + r]; }
      let at = forward(sample);
      metricSum += sampleMetrics(sample, at, params.outputWidth);
      lossSum += sampleLoss(sample, at, params.outputWidth);
      backward();
    }
    if (!isFinite(lossSum)) {
      records.stopped = 1u;
      records.stopEpoch = epoch;
      records.stopBatch = batch;
      for (var p = 0u; p < params.paramCount; p++) { state[p] = 0.0; }
      return;
    }
    let count = f32(end - start);
    update(step, 1.0 / count);
    records.epochs[slot].losses.x += lossSum;
    records.epochs[slot].metrics += metricSum;
    records.lastBatchLoss = lossSum / count;
    records.lastBatchMetrics = metricSum / count;
    records.completedSteps = step + 1u;
    logStep(step, lossSum / count, metricSum / count);
    if (batch == steps - 1u && params.valCount > 0u) {
      var valLoss = 0.0;
      var valMetric = vec4f(0.0);
      dropoutOn = false;
      for (var v = 0u; v < params.valCount; v++) {
        let sample = params.valStart + v;
        let at = forward(sample);
        valMetric += sampleMetrics(sample, at, params.outputWidth);
        valLoss += sampleLoss(sample, at, params.outputWidth);
      }
      records.epochs[slot].losses.y = valLoss;
      records.epochs[slot].valMetrics = valMetric;
    }
    if (batch == steps - 1u && keepsSnapshots != 0u) { snapshot(slot); }
  }
}
