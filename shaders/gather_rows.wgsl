// Copies rows of a [rows, width] array of 32-bit words into a batch: out row r is source row
// index[first + r] (or first + r when `direct` is set: a contiguous slice). The training loop
// uses it to assemble each batch in the epoch's shuffled order on the GPU. mode 1 converts class
// indices stored as floats to int32 on the way. One invocation per output word; 8 bytes of
// traffic per word (plus the index, cached across a row). The choices are pipeline overrides
// (SwiftShader runs both arms of a run-time branch).

struct Params {
  rows: u32,
  width: u32,
  first: u32,
}

@group(0) @binding(0) var<storage, read> source: array<u32>;
@group(0) @binding(1) var<storage, read> index: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<u32>;
@group(0) @binding(3) var<uniform> params: Params;

override workgroupSize: u32 = 64;
// 1: rows first .. first + rows in order (no index); 0: through `index`.
override direct: u32 = 0u;
// 1: float class indices to int32.
override mode: u32 = 0u;

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  if (i >= params.rows * params.width) { return; }
  let r = i / params.width;
  let c = i - r * params.width;
  var row = params.first + r;
  if (direct == 0u) { row = index[row]; }
  let bits = source[row * params.width + c];
  if (mode == 1u) {
    out[i] = u32(i32(bitcast<f32>(bits)));
  } else {
    out[i] = bits;
  }
}
