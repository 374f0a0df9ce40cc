// Not a kernel: the training records that the fused trainers (train_model.wgsl) and the
// layer-wise path's accumulate_epoch.wgsl write and the host reads back (RECORD_HEADER_WORDS in
// src/kernels/training.ts): where training stopped, the last batch's loss and metric, then one
// record per epoch. The host appends it (src/kernels/wgsl-parts.ts). Past a group's epoch records
// the host may lay out per-step logs (vec4(loss, metric, 0, 0) per step, for batch callbacks) and
// per-epoch snapshots of the weights and optimizer state (to rewind to an epoch's end); an index
// of NO_RECORD says the group keeps none.

const NO_RECORD = 0xffffffffu;

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
