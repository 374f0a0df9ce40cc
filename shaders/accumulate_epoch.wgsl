// Adds one batch's loss and metrics to the epoch's record, on the GPU, so that a training loop
// needs no readback per step. One invocation (a batch is at most a few thousand rows; a
// reduction tree would cost more in barriers than it saves here): sums the per-row losses,
// computes the metrics from the outputs (or logits) and the targets, and for a training batch
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
  // records.epochs[stepLog] gets a training batch's mean loss and metrics (or NO_RECORD).
  stepLog: u32,
}

@group(0) @binding(0) var<storage, read> rowLoss: array<f32>;
@group(0) @binding(1) var<storage, read> outputs: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
// Records: train_records.wgsl, which the host appends.
@group(0) @binding(3) var<storage, read_write> records: Records;
@group(0) @binding(4) var<uniform> params: Params;

// Pipeline overrides (no run-time switch: SwiftShader would run every arm for every row).
override metricCode0: u32 = 0u;
override metricCode1: u32 = 0u;
override metricCode2: u32 = 0u;
override metricCode3: u32 = 0u;
override softmaxForMetrics: u32 = 0u;
override labelKind: u32 = 0u;

// Targets: parts/labels.wgsl.
fn labelWidth() -> u32 {
  return params.n;
}

// The accessor parts/metrics.wgsl reads: row r's outputs start at r * n.
fn outputValue(at: u32, j: u32) -> f32 {
  return outputs[at + j];
}

@compute @workgroup_size(1)
fn main() {
  if (records.stopped != 0u) { return; }
  var lossSum = 0.0;
  var metricSum = vec4f(0.0);
  for (var r = 0u; r < params.rows; r++) {
    lossSum += rowLoss[r];
    metricSum += sampleMetrics(r, r * params.n, params.n);
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
      records.epochs[slot].losses.x = 0.0;
      records.epochs[slot].metrics = vec4f(0.0);
    }
    records.epochs[slot].losses.x += lossSum;
    records.epochs[slot].metrics += metricSum;
    records.lastBatchLoss = lossSum / f32(params.rows);
    records.lastBatchMetrics = metricSum / f32(params.rows);
    records.completedSteps += 1u;
    if (params.stepLog != NO_RECORD) { records.epochs[params.stepLog] = EpochRecord(vec4f(lossSum / f32(params.rows), 0.0, 0.0, 0.0), metricSum / f32(params.rows), vec4f(0.0)); }
  } else {
    if (params.reset != 0u) {
      records.epochs[slot].losses.y = 0.0;
      records.epochs[slot].valMetrics = vec4f(0.0);
    }
    records.epochs[slot].losses.y += lossSum;
    records.epochs[slot].valMetrics += metricSum;
  }
}
