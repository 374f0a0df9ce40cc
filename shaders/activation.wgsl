// An activation applied on its own, for an Activation layer that cannot run inside a Dense kernel
// (codes as in train_small.wgsl: 0 linear, 1 sigmoid, 2 relu, 3 tanh; softmax goes through
// ctx.softmax forward and the softmax VJP kernels backward):
// mode 0: out = act(a), elementwise;
// mode 1: out = b * act'(a) elementwise, from the forward output a and the gradient b.
// One invocation per element; 8 or 12 bytes of traffic per element.

struct Params {
  count: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

override workgroupSize: u32 = 64;
// The activation code and the mode are pipeline overrides: SwiftShader runs every arm of a
// run-time switch, which made this kernel pay for exp and tanh on every element.
override act: u32 = 0u;
override mode: u32 = 0u;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (i >= params.count) { return; }
  switch mode {
    case 0u: {
      let v = a[i];
      switch act {
        case 1u: { out[i] = 1.0 / (1.0 + exp(-v)); }
        case 2u: { out[i] = max(v, 0.0); }
        case 3u: { out[i] = tanh(v); }
        default: { out[i] = v; }
      }
    }
    default: {
      let y = a[i];
      let dy = b[i];
      switch act {
        case 1u: { out[i] = dy * y * (1.0 - y); }
        case 2u: { out[i] = select(0.0, dy, y > 0.0); }
        case 3u: { out[i] = dy * (1.0 - y * y); }
        default: { out[i] = dy; }
      }
    }
  }
}
