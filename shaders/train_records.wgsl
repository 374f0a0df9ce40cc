// Not a kernel: the training records that the fused trainers (train_model.wgsl) and the
// layer-wise path's accumulate_epoch.wgsl write and the host reads back (RECORD_HEADER_WORDS in
// src/kernels/training.ts): where training stopped, the last batch's loss and metric, then one
// record per epoch. The host appends it (src/kernels/wgsl-parts.ts).

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
