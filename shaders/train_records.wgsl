// Not a kernel: the training records that the fused trainers (train_model.wgsl) and the
// layer-wise path's accumulate_epoch.wgsl write and the host reads back (RECORD_HEADER_WORDS in
// src/ops/training/kernels.ts): where training stopped, the last batch's loss and metrics, then one
// record per epoch. The host appends it (src/ops/shared/wgsl-parts.ts). Past a group's epoch
// records the host may lay out per-step logs (one EpochRecord per step: its mean loss in losses.x
// and mean metrics in `metrics`, for batch callbacks) and per-epoch snapshots of the weights and
// optimizer state (to rewind to an epoch's end); an index of NO_RECORD says the group keeps none.

const NO_RECORD = 0xffffffffu;
// Words of one EpochRecord (the host's EPOCH_RECORD_WORDS).
const EPOCH_RECORD_WORDS = 12u;

// Sums over an epoch's samples: x of `losses` the training loss, y the validation loss; each
// component of `metrics` and `valMetrics` one metric (parts/metrics.wgsl).
struct EpochRecord {
  losses: vec4f,
  metrics: vec4f,
  valMetrics: vec4f,
}

struct Records {
  stopped: u32,
  stopEpoch: u32,
  stopBatch: u32,
  completedSteps: u32,
  lastBatchLoss: f32,
  pad0: u32,
  pad1: u32,
  pad2: u32,
  lastBatchMetrics: vec4f,
  epochs: array<EpochRecord>,
}
