// Per-sample loss and its gradient with respect to the outputs, one invocation per row of a
// batch (the losses that are not the fused softmax cross-entropy): mean squared error, binary
// cross-entropy on clipped probabilities, categorical cross-entropy on normalized clipped
// probabilities (definitions in src/nn/losses.ts). The gradient is that of the per-sample loss;
// the optimizer divides by the batch size. Reads the outputs and targets once, writes the
// gradient and one loss per row.

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

const EPSILON = 1e-7f;
const ONE_MINUS_EPSILON = 0.99999988f;

// Targets: parts/labels.wgsl.
fn labelWidth() -> u32 {
  return params.n;
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = gridIndex(wid, nwg) * workgroupSize + lid;
  if (r >= params.rows) { return; }
  let n = params.n;
  let at = r * n;
  switch lossCode {
    case LOSS_MSE: {
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let d = outputs[at + j] - targetValue(r, j);
        sum += d * d;
        grad[at + j] = 2.0 * d / f32(n);
      }
      rowLoss[r] = sum / f32(n);
    }
    case LOSS_BCE: {
      var sum = 0.0;
      for (var j = 0u; j < n; j++) {
        let o = outputs[at + j];
        let p = clamp(o, EPSILON, ONE_MINUS_EPSILON);
        let t = targetValue(r, j);
        sum -= t * log(p) + (1.0 - t) * log(1.0 - p);
        grad[at + j] = select(0.0, (p - t) / (p * (1.0 - p)) / f32(n), o >= EPSILON && o <= ONE_MINUS_EPSILON);
      }
      rowLoss[r] = sum / f32(n);
    }
    default: {
      var total = 0.0;
      for (var j = 0u; j < n; j++) { total += outputs[at + j]; }
      var l = 0.0;
      var weighted = 0.0;
      for (var j = 0u; j < n; j++) {
        let q = outputs[at + j] / total;
        let t = targetValue(r, j);
        l -= t * log(clamp(q, EPSILON, ONE_MINUS_EPSILON));
        let g = select(0.0, -t / q, q >= EPSILON && q <= ONE_MINUS_EPSILON);
        grad[at + j] = g;
        weighted += g * q;
      }
      for (var j = 0u; j < n; j++) { grad[at + j] = (grad[at + j] - weighted) / total; }
      rowLoss[r] = l;
    }
  }
}
