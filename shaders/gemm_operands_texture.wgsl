// Not a kernel: the operand part of matmul_lanes.wgsl that reads A and B from rgba32float
// textures packed by gemm_pack.wgsl (src/kernels/wgsl-parts.ts appends it). A texel of A holds 4
// rows at one step of k, a texel of B 4 columns at one step of k, so a lane makes 5 texel loads
// per step of k where the storage-buffer part makes 20 per-lane gathers: 31-44% faster on
// SwiftShader (bench/HISTORY.md). Batches are stacked along the textures' rows.

@group(0) @binding(0) var tA: texture_2d<f32>;
@group(0) @binding(1) var tB: texture_2d<f32>;

struct TileOperands {
  // Texture row of A holding the lane's 4 rows; first texture row of B of this batch entry.
  aRow: u32,
  bRow: u32,
  // Texel columns of B holding the lane's 16 columns (clamped to the last one).
  b: vec4u,
}

fn tileOperands(batch: u32, row: u32, col: u32) -> TileOperands {
  let lastGroup = (params.rows - 1u) / 4u;
  let lastTexel = (params.cols - 1u) / 4u;
  return TileOperands(
    batch * params.aLayerRows + min(row / 4u, lastGroup),
    batch * params.bLayerRows,
    min(vec4u(col / 4u) + vec4u(0u, 1u, 2u, 3u), vec4u(lastTexel)),
  );
}

fn loadA(k: u32, ops: TileOperands) -> vec4f {
  return textureLoad(tA, vec2u(k, ops.aRow), 0);
}

fn loadB(k: u32, ops: TileOperands) -> mat4x4f {
  let y = ops.bRow + k;
  return mat4x4f(textureLoad(tB, vec2u(ops.b.x, y), 0), textureLoad(tB, vec2u(ops.b.y, y), 0),
                 textureLoad(tB, vec2u(ops.b.z, y), 0), textureLoad(tB, vec2u(ops.b.w, y), 0));
}
