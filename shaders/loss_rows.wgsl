// Per-sample loss and its gradient with respect to the outputs, one invocation per row of a
// batch (the losses other than the fused softmax cross-entropy, which has its own op): the math
// is parts/losses.wgsl's. Reads the outputs and targets once, writes the gradient and one loss
// per row.

struct Params {
  rows: u32,
  n: u32,
}

@group(0) @binding(0) var<storage, read> outputs: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<u32>;
@group(0) @binding(2) var<storage, read_write> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> rowLoss: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

override workgroupSize: u32 = 64;
// Pipeline overrides (no run-time switch: SwiftShader would run every arm).
override lossCode: u32 = 0u;
override labelKind: u32 = 0u;

// Targets: parts/labels.wgsl.
fn labelWidth() -> u32 {
  return params.n;
}

// parts/losses.wgsl's softplus and sigmoid come from parts/activation.wgsl, on scalars.
alias ActValue = f32;

// The accessors parts/losses.wgsl reads: a row's outputs and gradient, both at r * n.
fn outputValue(at: u32, j: u32) -> f32 {
  return outputs[at + j];
}

fn lossGradient(at: u32, j: u32) -> f32 {
  return grad[at + j];
}

fn setLossGradient(at: u32, j: u32, g: f32) {
  grad[at + j] = g;
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = gridIndex(wid, nwg) * workgroupSize + lid;
  if (r >= params.rows) { return; }
  rowLoss[r] = sampleLoss(r, r * params.n, params.n);
}
