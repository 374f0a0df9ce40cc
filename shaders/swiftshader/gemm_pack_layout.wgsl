// Not a kernel: the host appends this to gemm_pack.wgsl and gemm_pack_vec4.wgsl
// (src/ops/shared/wgsl-parts.ts). The texture layout they both write, and their parameters; each
// kernel declares its own `src` binding (f32 or vec4 loads).
//
// A texel holds 4 consecutive entries along `lines` (A's rows, B's columns) at one step of k. For
// A (groupsAlongRows): texel (k, g) = A[4g .. 4g + 3][k]; for B: texel (c, k) = B[k][4c .. 4c + 3].
// Batch entries are stacked along the texture's rows (`layerRows` rows each).

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

@group(0) @binding(1) var dst: texture_storage_2d<rgba32float, write>;
@group(0) @binding(2) var<uniform> params: Params;

override workgroupSize: u32 = 64;
// A's layout (groups of lines along the texture's rows) or B's (along its columns).
override groupsAlongRows: bool = true;

struct TexelSource {
  // The texel's first line (a multiple of 4) and its step of k.
  line: u32,
  k: u32,
  // Element offset of its batch entry.
  base: u32,
}

// Where texel (x, y) comes from; y must be below layerRows * layers.
fn texelSource(x: u32, y: u32) -> TexelSource {
  let inLayer = y % params.layerRows;
  let base = (y / params.layerRows) * params.batchStride;
  if (groupsAlongRows) {
    return TexelSource(inLayer * 4u, x, base);
  }
  return TexelSource(x * 4u, inLayer, base);
}
