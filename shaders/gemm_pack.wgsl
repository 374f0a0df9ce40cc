// Packs a GEMM operand, read through its element strides, into the rgba32float texture that
// gemm_operands_texture.wgsl reads: a texel holds 4 consecutive entries along `lines` (A's rows,
// B's columns) at one step of k. For A (groupsAlongRows): texel (k, g) = A[4g .. 4g + 3][k]; for
// B: texel (c, k) = B[k][4c .. 4c + 3]. Batch entries are stacked along the texture's rows
// (`layerRows` rows each); entries past the end of a line are 0. One invocation per texel; the
// cost is about that of copying the operand once.

struct Params {
  // Texture width and rows per batch entry; batch entries.
  width: u32,
  layerRows: u32,
  layers: u32,
  // Entries along the lines (A's rows, B's columns), and the strides of a line, of a step of k
  // and of a batch entry, in elements.
  lines: u32,
  lineStride: u32,
  depthStride: u32,
  batchStride: u32,
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var dst: texture_storage_2d<rgba32float, write>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 64;
// A's layout (groups of lines along the texture's rows) or B's (along its columns).
override groupsAlongRows: bool = true;

fn entry(base: u32, line: u32, k: u32) -> f32 {
  if (line >= params.lines) {
    return 0.0;
  }
  return src[base + line * params.lineStride + k * params.depthStride];
}

@compute @workgroup_size(workgroupSize)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_index) lid: u32) {
  let id = (wid.x + nwg.x * (wid.y + nwg.y * wid.z)) * workgroupSize + lid;
  let x = id % params.width;
  let y = id / params.width;
  if (y >= params.layerRows * params.layers) {
    return;
  }
  let base = (y / params.layerRows) * params.batchStride;
  let inLayer = y % params.layerRows;
  var group: u32;
  var k: u32;
  if (groupsAlongRows) {
    group = inLayer;
    k = x;
  } else {
    group = x;
    k = inLayer;
  }
  let line = group * 4u;
  let v = vec4f(entry(base, line, k), entry(base, line + 1u, k), entry(base, line + 2u, k), entry(base, line + 3u, k));
  textureStore(dst, vec2u(x, y), v);
}
