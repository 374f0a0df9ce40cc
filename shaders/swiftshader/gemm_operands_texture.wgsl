// Not a kernel: the operand part of matmul_lanes.wgsl that reads A and B from rgba32float
// textures packed by gemm_pack.wgsl (src/ops/shared/wgsl-parts.ts appends it). A texel of A holds 4
// rows at one step of k, a texel of B 4 columns at one step of k, so a lane makes 5 texel loads
// per step of k where the storage-buffer part makes 20 per-lane gathers, which SwiftShader runs
// faster (bench/HISTORY.md). Batches are stacked along the textures' rows.
//
// Texels are read with textureSampleLevel at their centres through a nearest-texel sampler, which
// returns them exactly, rather than with textureLoad: Tint clamps every textureLoad's coordinates
// to the texture's size at the requested mip level, which SwiftShader computes per lane with
// scalar shifts, and sampling needs no such clamp (the sampler clamps to the edge): faster on the
// training step's products, the same results (docs/swiftshader.md).
//
// `aLinear`: A's texels were copied from memory rather than packed, because they already lie in
// it one after another (A's rows contiguous, a multiple of 4 of them, each step of k right after
// the last: the x^T of a row-major x, as in a dense layer's weight gradient). Texel t = (k, group)
// sits at t = k * rows / 4 + group, in texture rows of 8192 texels. A constant width: shifts and
// masks by a uniform amount are per-lane scalar loops on SwiftShader, by a constant one
// instruction.

@group(0) @binding(0) var tA: texture_2d<f32>;
@group(0) @binding(1) var tB: texture_2d<f32>;
// After the parameter block (binding 4): the host binds a nearest-texel sampler here.
@group(0) @binding(5) var nearest: sampler;

override aLinear: bool = false;
// log2 of a copied A's texture width (src/ops/matmul/swiftshader.ts: LINEAR_WIDTH).
const LINEAR_SHIFT = 13u;

struct TileOperands {
  // Texture row of A holding the lane's 4 rows (aLinear: its texel at k = 0); first texture row
  // of B of this batch entry.
  aRow: u32,
  bRow: u32,
  // aLinear: texels from one step of k to the next (rows / 4).
  aStep: u32,
  // 1 / the textures' sizes in texels, to address texel centres.
  aScale: vec2f,
  bScale: vec2f,
  // Texel columns of B holding the lane's 16 columns (clamped to the last one).
  b: vec4u,
}

fn tileOperands(batch: u32, row: u32, col: u32) -> TileOperands {
  let lastGroup = (params.rows - 1u) / 4u;
  let lastTexel = (params.cols - 1u) / 4u;
  return TileOperands(
    batch * params.aLayerRows + min(row / 4u, lastGroup),
    batch * params.bLayerRows,
    params.rows >> 2u,
    1.0 / vec2f(textureDimensions(tA)),
    1.0 / vec2f(textureDimensions(tB)),
    min(vec4u(col / 4u) + vec4u(0u, 1u, 2u, 3u), vec4u(lastTexel)),
  );
}

// Texel `xy` of `t` (whose size is 1 / scale).
fn texel(t: texture_2d<f32>, xy: vec2u, scale: vec2f) -> vec4f {
  return textureSampleLevel(t, nearest, (vec2f(xy) + 0.5) * scale, 0.0);
}

fn loadA(k: u32, ops: TileOperands) -> vec4f {
  if (aLinear) {
    let t = ops.aRow + k * ops.aStep;
    return texel(tA, vec2u(t & ((1u << LINEAR_SHIFT) - 1u), t >> LINEAR_SHIFT), ops.aScale);
  }
  return texel(tA, vec2u(k, ops.aRow), ops.aScale);
}

fn loadB(k: u32, ops: TileOperands) -> mat4x4f {
  let y = ops.bRow + k;
  return mat4x4f(texel(tB, vec2u(ops.b.x, y), ops.bScale), texel(tB, vec2u(ops.b.y, y), ops.bScale),
                 texel(tB, vec2u(ops.b.z, y), ops.bScale), texel(tB, vec2u(ops.b.w, y), ops.bScale));
}
