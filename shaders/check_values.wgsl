// Finds the first bad entry of training data before training starts (one pass, 4 bytes read per
// entry, one invocation per 4 entries: vec4 loads, one atomic per invocation that found
// something; one entry per invocation took 52 ms for a 4096 x 784 x, 4x the loads and a masked
// atomic per entry on SwiftShader). mode 0: a float must be finite; mode 1: a float class index
// must be an integer in [0, classes); mode 2: an int32 class index must be in [0, classes).
// The smallest bad index lands in result[0] (atomicMin; the host sets it to 0xffffffff first).
// Storage buffers are padded to 16 bytes, so the last vec4 is in bounds; entries past `count`
// are ignored.

struct Params {
  count: u32,
  classes: u32,
}

@group(0) @binding(0) var<storage, read> values: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> result: array<atomic<u32>>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 64;
override mode: u32 = 0u;

const EXPONENT_BITS = vec4u(0x7f800000u);

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let first = ((wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid) * 4u;
  if (first >= params.count) { return; }
  let bits = values[first / 4u];
  var bad: vec4<bool>;
  switch mode {
    case 0u: {
      bad = (bits & EXPONENT_BITS) == EXPONENT_BITS;
    }
    case 1u: {
      let v = bitcast<vec4f>(bits);
      bad = ((bits & EXPONENT_BITS) == EXPONENT_BITS) | (v < vec4f(0.0)) | (v >= vec4f(f32(params.classes))) | (v != floor(v));
    }
    default: {
      bad = (bitcast<vec4i>(bits) < vec4i(0)) | (bits >= vec4u(params.classes));
    }
  }
  bad &= (vec4u(first) + vec4u(0u, 1u, 2u, 3u)) < vec4u(params.count);
  if (any(bad)) {
    let lane = select(select(select(3u, 2u, bad.z), 1u, bad.y), 0u, bad.x);
    atomicMin(&result[0], first + lane);
  }
}
