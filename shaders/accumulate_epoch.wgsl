// Adds one batch's loss and metric to the epoch's record, on the GPU, so that a training loop
// needs no readback per step. One invocation (a batch is at most a few thousand rows; a
// reduction tree would cost more in barriers than it saves here): sums the per-row losses,
// computes the metric from the outputs (or logits) and the targets, and for a training batch
// checks the loss: a NaN or infinite batch loss sets `stopped` (the optimizer kernels then skip
// their update and every later step does nothing) and records the epoch and batch.

struct Params {
  rows: u32,
  n: u32,
  slot: u32,
  // 0: a training batch; 1: a validation (or evaluation) chunk.
  validation: u32,
  // 1: this is the first batch (or chunk) of the record: overwrite instead of add.
  reset: u32,
  epoch: u32,
  batch: u32,
  // records.epochs[stepLog] gets a training batch's mean loss and metric (or NO_RECORD).
  stepLog: u32,
}

@group(0) @binding(0) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(1) var<storage, read> outputs: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
// Records: train_records.wgsl, which the host appends.
@group(0) @binding(3) var<storage, read_write> records: Records;
@group(0) @binding(4) var<uniform> params: Params;

// Pipeline overrides (no run-time switch: SwiftShader would run every arm for every row).
override metricCode: u32 = 0u;
override labelKind: u32 = 0u;

// Targets: parts/labels.wgsl.
fn labelWidth() -> u32 {
  return params.n;
}

fn argmaxRow(r: u32) -> u32 {
  let at = r * params.n;
  var best = 0u;
  for (var j = 1u; j < params.n; j++) { if (outputs[at + j] > outputs[at + best]) { best = j; } }
  return best;
}

fn metric(r: u32) -> f32 {
  let n = params.n;
  switch metricCode {
    case METRIC_BINARY: {
      var right = 0.0;
      for (var j = 0u; j < n; j++) {
        let predicted = select(0.0, 1.0, outputs[r * n + j] > 0.5);
        if (predicted == targetValue(r, j)) { right += 1.0; }
      }
      return right / f32(n);
    }
    case METRIC_CATEGORICAL: {
      var best = 0u;
      for (var j = 1u; j < n; j++) { if (targetValue(r, j) > targetValue(r, best)) { best = j; } }
      return select(0.0, 1.0, argmaxRow(r) == best);
    }
    case METRIC_SPARSE: {
      return select(0.0, 1.0, argmaxRow(r) == classIndex(r));
    }
    default: { return 0.0; }
  }
}

@compute @workgroup_size(1)
fn main() {
  if (records.stopped != 0u) { return; }
  var lossSum = 0.0;
  var metricSum = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    lossSum += rowLoss[r];
    metricSum += metric(r);
  }
  let slot = params.slot;
  if (params.validation == 0u) {
    if ((bitcast<u32>(lossSum) & EXPONENT_BITS) == EXPONENT_BITS) {
      records.stopped = 1u;
      records.stopEpoch = params.epoch;
      records.stopBatch = params.batch;
      return;
    }
    if (params.reset != 0u) {
      records.epochs[slot].x = 0.0;
      records.epochs[slot].y = 0.0;
    }
    records.epochs[slot].x += lossSum;
    records.epochs[slot].y += metricSum;
    records.lastBatchLoss = lossSum / f32(params.rows);
    records.lastBatchMetric = metricSum / f32(params.rows);
    records.completedSteps += 1u;
    if (params.stepLog != NO_RECORD) { records.epochs[params.stepLog] = vec4<f32>(lossSum / f32(params.rows), metricSum / f32(params.rows), 0.0, 0.0); }
  } else {
    if (params.reset != 0u) {
      records.epochs[slot].z = 0.0;
      records.epochs[slot].w = 0.0;
    }
    records.epochs[slot].z += lossSum;
    records.epochs[slot].w += metricSum;
  }
}
