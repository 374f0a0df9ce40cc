// One optimizer update of one parameter tensor, one invocation per 4 values (vec4; the buffers
// are padded to 16 bytes, so the last vec4 may update padding, which nothing reads): reads the
// parameter, its gradient (a sum over the batch, scaled by 1/batch here) and its state slots,
// writes the parameter and the slots: 16-24 bytes of traffic per value. The update rule is a
// pipeline override: SwiftShader runs every arm of a run-time switch (measured: 3x slower). Skipped entirely once the epoch
// accumulator has flagged a non-finite loss (records.stopped), so the weights stay the last
// good ones. Update rules: src/nn/optimizers.ts (Keras's SGD, momentum, Nesterov, Adam; `rate`
// is Adam's bias-corrected step size, computed on the host).

struct Params {
  // Number of vec4s.
  count: u32,
  pad: u32,
  gradScale: f32,
  rate: f32,
  momentum: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
}

@group(0) @binding(0) var<storage, read_write> param: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> grad: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> slot1: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> slot2: array<vec4<f32>>;
// The records' header (stopped flag first). A fixed size, so that status[0] needs no bounds
// clamp: Tint clamps an index into a runtime-sized array with arrayLength, which SwiftShader
// computes per lane with integer divisions, and the clamped index makes the load a gather (7.7%
// of this kernel, bench/HISTORY.md).
@group(0) @binding(4) var<storage, read> status: array<u32, 4>;
@group(0) @binding(5) var<uniform> params: Params;

override workgroupSize: u32 = 64;
// 0 SGD, 1 momentum, 2 Nesterov, 3 Adam.
override code: u32 = 0u;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = gridIndex(wid, nwg) * workgroupSize + lid;
  if (i >= params.count || status[0] != 0u) { return; }
  let g = grad[i] * params.gradScale;
  let rate = params.rate;
  switch code {
    case OPT_SGD: {
      param[i] = param[i] - rate * g;
    }
    case OPT_MOMENTUM: {
      let v = params.momentum * slot1[i] - rate * g;
      slot1[i] = v;
      param[i] = param[i] + v;
    }
    case OPT_NESTEROV: {
      let v = params.momentum * slot1[i] - rate * g;
      slot1[i] = v;
      param[i] = param[i] + params.momentum * v - rate * g;
    }
    default: {
      // Each slot read once: the compiler does not merge two loads of a read_write binding, and
      // on SwiftShader every load is a gather.
      let m0 = slot1[i];
      let v0 = slot2[i];
      let m = m0 + (g - m0) * (1.0 - params.beta1);
      let v = v0 + (g * g - v0) * (1.0 - params.beta2);
      slot1[i] = m;
      slot2[i] = v;
      param[i] = param[i] - rate * m / (sqrt(v) + params.epsilon);
    }
  }
}
