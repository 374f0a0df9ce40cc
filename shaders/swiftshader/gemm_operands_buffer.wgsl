// Not a kernel: the operand part of matmul_lanes.wgsl that reads A and B from storage buffers
// through their element strides (src/ops/shared/wgsl-parts.ts appends it). Every load with a
// per-lane address is a per-lane gather on SwiftShader: 20 per lane and step of k.

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;

struct TileOperands {
  // Element offsets of the lane's 4 rows of A, and of its 16 columns of B (4 per vec4).
  aRows: vec4u,
  b0: vec4u,
  b1: vec4u,
  b2: vec4u,
  b3: vec4u,
}

// Rows and columns past the end are clamped to the last one (loaded, then never stored).
fn tileOperands(batch: u32, row: u32, col: u32) -> TileOperands {
  let lastRow = vec4u(params.rows - 1u);
  let aRows = batch * params.aBatchStride + min(vec4u(row) + vec4u(0u, 1u, 2u, 3u), lastRow) * params.aRowStride;
  let lastCol = vec4u(params.cols - 1u);
  let q = vec4u(col) + vec4u(0u, 1u, 2u, 3u);
  let bBase = batch * params.bBatchStride;
  return TileOperands(
    aRows,
    bBase + min(q, lastCol) * params.bColStride,
    bBase + min(q + 4u, lastCol) * params.bColStride,
    bBase + min(q + 8u, lastCol) * params.bColStride,
    bBase + min(q + 12u, lastCol) * params.bColStride,
  );
}

// The lane's four rows of A at step k.
fn loadA(k: u32, ops: TileOperands) -> vec4f {
  let i = ops.aRows + vec4u(k * params.aDepthStride);
  return vec4f(a[i.x], a[i.y], a[i.z], a[i.w]);
}

fn loadB4(k: u32, cols: vec4u) -> vec4f {
  let i = cols + vec4u(k * params.bDepthStride);
  return vec4f(b[i.x], b[i.y], b[i.z], b[i.w]);
}

// The lane's 16 columns of B at step k, as 4 vec4 columns of a matrix.
fn loadB(k: u32, ops: TileOperands) -> mat4x4f {
  return mat4x4f(loadB4(k, ops.b0), loadB4(k, ops.b1), loadB4(k, ops.b2), loadB4(k, ops.b3));
}
