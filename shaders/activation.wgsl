// An activation applied on its own, element-wise (the math and the codes are in
// parts/activation.wgsl, which the host appends; softmax goes through ctx.softmax forward and the
// softmax VJP kernels backward):
// mode 0: out = act(a), for an Activation layer that cannot run inside a Dense kernel;
// mode 1: out = b * act'(a), from the forward output a and the gradient b: the gradient dz of a
//         lone activation, and the dz that the dense backward pass writes once for its GEMMs.
// One invocation per 4 elements, as vec4s: on SwiftShader every load is a per-lane access, so
// one vec4 costs about what one scalar does (bench/HISTORY.md, "Training kernels"). Bindings cover whole vec4s (buffers are padded to 16 bytes; the host rounds
// range bindings up); entries past `count` are computed and never read.

@group(0) @binding(0) var<storage, read> a: array<vec4f>;
@group(0) @binding(1) var<storage, read> b: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> out: array<vec4f>;
@group(0) @binding(3) var<uniform> params: CountParams;

override workgroupSize: u32 = 64;
// The activation code and the mode are pipeline overrides: SwiftShader runs every arm of a
// run-time switch, which made this kernel pay for exp and tanh on every element.
override act: u32 = 0u;
override alpha: f32 = 0.2;
override mode: u32 = 0u;

alias ActValue = vec4f;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = gridIndex(wid, nwg) * workgroupSize + lid;
  if (i * 4u >= params.count) { return; }
  if (mode == 0u) {
    out[i] = activate(act, alpha, a[i]);
  } else {
    out[i] = b[i] * activationSlope(act, alpha, a[i]);
  }
}
