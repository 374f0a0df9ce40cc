// One optimizer update of one parameter tensor, one invocation per 4 values (vec4; the buffers
// are padded to 16 bytes, so the last vec4 may update padding, which nothing reads): reads the
// parameter, its gradient (a sum over the batch, scaled by 1/batch here) and the state slots its
// rule uses, writes the parameter and those slots. The update rule (parts/optimizer.wgsl) is a
// pipeline override: SwiftShader runs every arm of a run-time switch (measured: 3x slower).
// Skipped entirely once the epoch accumulator has flagged a non-finite loss (records.stopped),
// so the weights stay the last good ones.

struct Params {
  // Number of vec4s.
  count: u32,
  pad: u32,
  gradScale: f32,
  pad2: u32,
  rule: StepRule,
}

@group(0) @binding(0) var<storage, read_write> weights: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> grad: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> slot1: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read_write> slot2: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> slot3: array<vec4<f32>>;
// The records' header (stopped flag first). A fixed size, so that status[0] needs no bounds
// clamp: Tint clamps an index into a runtime-sized array with arrayLength, which SwiftShader
// computes per lane with integer divisions, and the clamped index makes the load a gather (7.7%
// of this kernel, bench/HISTORY.md).
@group(0) @binding(5) var<storage, read> status: array<u32, 4>;
@group(0) @binding(6) var<uniform> params: Params;

override workgroupSize: u32 = 64;
override optimizerCode: u32 = 0u;

// The state accessors parts/optimizer.wgsl reads.
alias OptValue = vec4f;

fn loadSlot(k: u32, i: u32) -> vec4f {
  if (k == 1u) { return slot1[i]; }
  if (k == 2u) { return slot2[i]; }
  return slot3[i];
}

fn storeSlot(k: u32, i: u32, v: vec4f) {
  if (k == 1u) { slot1[i] = v; } else if (k == 2u) { slot2[i] = v; } else { slot3[i] = v; }
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = gridIndex(wid, nwg) * workgroupSize + lid;
  if (i >= params.count || status[0] != 0u) { return; }
  optimizerUpdate(i, grad[i] * params.gradScale, params.rule);
}
