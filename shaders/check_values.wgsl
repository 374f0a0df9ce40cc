// Finds the first bad entry of training data before training starts (one pass, 4 bytes read per
// entry). Each invocation reads 16 entries as 4 vec4s and makes at most one atomic, because
// SwiftShader runs the atomic's branch, masked, for every invocation (timings: bench/HISTORY.md,
// "Training kernels: vec4 data check"). mode 0: a float must be
// finite; mode 1: a float class index must be an integer in [0, classes); mode 2: an int32 class
// index must be in [0, classes). The smallest bad index lands in result[0] (atomicMin; the host
// sets it to 0xffffffff first). The host binds whole vec4s (the library pads its buffers to 16
// bytes; an app's buffer that ends inside the last vec4 is read from a padded copy: GpuRuntime's
// vec4Input), so the last vec4 is in bounds; entries past `count` are ignored.

struct Params {
  count: u32,
  classes: u32,
}

@group(0) @binding(0) var<storage, read> values: array<vec4<u32>>;
@group(0) @binding(1) var<storage, read_write> result: array<atomic<u32>>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 64;
override mode: u32 = 0u;

const NONE = 0xffffffffu;

// Index of the first bad entry among the 4 of vec4 `at`, whose first entry is entry `first`
// (entries past `count` do not count), or NONE.
fn firstBad(at: u32, first: u32) -> u32 {
  let bits = values[at];
  var bad: vec4<bool>;
  switch mode {
    case LABEL_DENSE: {
      bad = (bits & vec4u(EXPONENT_BITS)) == vec4u(EXPONENT_BITS);
    }
    case LABEL_INDEX_FLOAT: {
      let v = bitcast<vec4f>(bits);
      bad = ((bits & vec4u(EXPONENT_BITS)) == vec4u(EXPONENT_BITS)) | (v < vec4f(0.0)) | (v >= vec4f(f32(params.classes))) | (v != floor(v));
    }
    default: {
      bad = (bitcast<vec4i>(bits) < vec4i(0)) | (bits >= vec4u(params.classes));
    }
  }
  bad &= (vec4u(first) + vec4u(0u, 1u, 2u, 3u)) < vec4u(params.count);
  return select(select(select(select(NONE, first + 3u, bad.w), first + 2u, bad.z), first + 1u, bad.y), first, bad.x);
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let first = (gridIndex(wid, nwg) * workgroupSize + lid) * 16u;
  if (first >= params.count) { return; }
  let last = (params.count - 1u) / 4u;
  let q = first / 4u;
  // Clamped loads: past the end they repeat the last vec4, whose entries the count masks.
  let f0 = firstBad(q, first);
  let f1 = firstBad(min(q + 1u, last), first + 4u);
  let f2 = firstBad(min(q + 2u, last), first + 8u);
  let f3 = firstBad(min(q + 3u, last), first + 12u);
  let found = min(min(f0, f1), min(f2, f3));
  if (found != NONE) {
    atomicMin(&result[0], found);
  }
}
