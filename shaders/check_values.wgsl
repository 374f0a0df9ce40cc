// Finds the first bad entry of training data before training starts (one pass, 4 bytes read per
// entry, one invocation per entry). mode 0: a float must be finite; mode 1: a float class index
// must be an integer in [0, classes); mode 2: an int32 class index must be in [0, classes).
// The smallest bad index lands in result[0] (atomicMin; the host sets it to 0xffffffff first).

struct Params {
  count: u32,
  classes: u32,
}

@group(0) @binding(0) var<storage, read> values: array<u32>;
@group(0) @binding(1) var<storage, read_write> result: array<atomic<u32>>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 64;
override mode: u32 = 0u;

const EXPONENT_BITS = 0x7f800000u;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (i >= params.count) { return; }
  let bits = values[i];
  var bad = false;
  switch mode {
    case 0u: {
      bad = (bits & EXPONENT_BITS) == EXPONENT_BITS;
    }
    case 1u: {
      let v = bitcast<f32>(bits);
      bad = (bits & EXPONENT_BITS) == EXPONENT_BITS || v < 0.0 || v >= f32(params.classes) || v != floor(v);
    }
    default: {
      bad = bitcast<i32>(bits) < 0 || bits >= params.classes;
    }
  }
  if (bad) { atomicMin(&result[0], i); }
}
