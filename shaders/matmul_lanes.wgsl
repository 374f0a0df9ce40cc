// GEMM for adapters that run WGSL on CPU SIMD lanes (SwiftShader): out = act(op(A) op(B) + bias),
// batched, with every operand addressed through element strides (rows, depth, columns, batch), so
// transposes, the shared 2-D operand of a batched product and transposed outputs are all read and
// written in place. No shared memory and no barriers: both are slow where a workgroup runs as a
// sequence of 4-lane SIMD groups on one CPU thread.
//
// Register blocking across a subgroup of 4 lanes: the subgroup owns 16 rows x 64 columns, each
// lane 16 rows x 16 columns (64 vec4 accumulators). Per step of k, a lane loads 4 values of A (its
// quarter of the 16 shared rows) and broadcasts them to the other lanes with subgroupBroadcast,
// and loads its own 16 values of B: 20 loads for 256 multiply-adds, where a 4x4 block per
// invocation needs 8 loads for 16. On SwiftShader every load with a per-lane address is a
// branchy per-lane gather and costs about as much as 16 multiply-adds, which is why the loads are
// what the blocking minimizes. Traffic: A is read once per 64 output columns, B once per 16 rows.
//
// The k loop is unrolled 8 times: SwiftShader stores every loop-carried value (the 256
// accumulators) to memory with a lane mask on each back edge, so one iteration per step of k
// costs more than the multiply-adds. Scalar broadcasts, not vec4 ones: measured faster there.
//
// Edges: rows and columns past the end are clamped to the last one for loading (always in
// bounds, the duplicates are discarded) and masked when storing; k runs exactly to depth. Any
// size works, including 1 and sizes that are not multiples of 4 or of the tile.
//
// Fusion: `hasBias` and `activation` finish each output before it is stored. Operands are read as
// stored: forming dz = dy * act'(y) in the loads (as matmul_tiled.wgsl can) would double the
// gathers this kernel is bound by, for every tile of output columns; the dense backward pass
// writes dz once instead (notes/gemm.md).
//
// Requires subgroups of exactly 4 invocations made of consecutive local invocation indices (the
// host uses this kernel only where the adapter reports that).

enable subgroups;

struct Params {
  rows: u32,
  cols: u32,
  depth: u32,
  batches: u32,
  aRowStride: u32,
  aDepthStride: u32,
  aBatchStride: u32,
  bDepthStride: u32,
  bColStride: u32,
  bBatchStride: u32,
  cRowStride: u32,
  cColStride: u32,
  cBatchStride: u32,
  biasRowStride: u32,
  biasColStride: u32,
  // Subgroup tiles per batch entry along rows (16 each) and columns (64 each).
  tileRows: u32,
  tileCols: u32,
  // Texture operands only: texture rows per batch entry of A and of B (0: shared by the batch).
  aLayerRows: u32,
  bLayerRows: u32,
}

// Bindings 0 and 1 (A and B) and their loads are in the operand part the host appends:
// gemm_operands_buffer.wgsl (storage buffers) or gemm_operands_texture.wgsl (textures).
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// 0 linear, 1 sigmoid, 2 relu, 3 tanh.
override activation: u32 = 0;
override hasBias: bool = false;

// Both branches use exp of a non-positive number, so nothing overflows.
fn sigmoid(v: vec4f) -> vec4f {
  let e = exp(-abs(v));
  return select(e, vec4f(1.0), v >= vec4f(0.0)) / (1.0 + e);
}

fn tanhStable(v: vec4f) -> vec4f {
  let e = exp(-2.0 * abs(v));
  return sign(v) * (1.0 - e) / (1.0 + e);
}

fn activate(v: vec4f) -> vec4f {
  switch activation {
    case 1u: { return sigmoid(v); }
    case 2u: { return max(v, vec4f(0.0)); }
    case 3u: { return tanhStable(v); }
    default: { return v; }
  }
}

fn fma4(x: f32, m: mat4x4f, acc: mat4x4f) -> mat4x4f {
  let v = vec4f(x);
  return mat4x4f(fma(v, m[0], acc[0]), fma(v, m[1], acc[1]), fma(v, m[2], acc[2]), fma(v, m[3], acc[3]));
}

// One subgroup (one tile) per workgroup: a workgroup runs on one CPU thread, so with 16 tiles per
// workgroup a product of a few tiles ran on one core, and the padding subgroups of the last
// workgroup recomputed a tile each (a 128 x 256 x 10 product: 7.3 ms at 64 invocations, 0.76 ms
// at 4; large products measured the same either way, notes/gemm.md).
@compute @workgroup_size(4)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(subgroup_invocation_id) lane: u32) {
  let tilesPerBatch = params.tileRows * params.tileCols;
  let tileCount = tilesPerBatch * params.batches;
  let linear = wid.x + nwg.x * (wid.y + nwg.y * wid.z);
  // Workgroups past the end of a folded grid compute the last tile again and store nothing.
  let tile = min(linear, tileCount - 1u);
  let batch = tile / tilesPerBatch;
  let inBatch = tile % tilesPerBatch;
  let row0 = (inBatch / params.tileCols) * 16u;
  let col0 = (inBatch % params.tileCols) * 64u + lane * 16u;

  // Where this lane's 4 rows of A and 16 columns of B are (operand part).
  let ops = tileOperands(batch, row0 + lane * 4u, col0);

  // acc<r>: row row0 + r; its columns col0 .. col0 + 15 as 4 vec4 columns.
  var acc0 = mat4x4f(); var acc1 = mat4x4f(); var acc2 = mat4x4f(); var acc3 = mat4x4f();
  var acc4 = mat4x4f(); var acc5 = mat4x4f(); var acc6 = mat4x4f(); var acc7 = mat4x4f();
  var acc8 = mat4x4f(); var acc9 = mat4x4f(); var acc10 = mat4x4f(); var acc11 = mat4x4f();
  var acc12 = mat4x4f(); var acc13 = mat4x4f(); var acc14 = mat4x4f(); var acc15 = mat4x4f();

  // Eight steps of k per iteration, written out (see the header on loop-carried values).
  let unrolledEnd = params.depth - params.depth % 8u;
  for (var k = 0u; k < unrolledEnd; k += 8u) {
    {
      let bk = loadB(k, ops);
      let ak = loadA(k, ops);
      acc0 = fma4(subgroupBroadcast(ak.x, 0u), bk, acc0); acc1 = fma4(subgroupBroadcast(ak.y, 0u), bk, acc1);
      acc2 = fma4(subgroupBroadcast(ak.z, 0u), bk, acc2); acc3 = fma4(subgroupBroadcast(ak.w, 0u), bk, acc3);
      acc4 = fma4(subgroupBroadcast(ak.x, 1u), bk, acc4); acc5 = fma4(subgroupBroadcast(ak.y, 1u), bk, acc5);
      acc6 = fma4(subgroupBroadcast(ak.z, 1u), bk, acc6); acc7 = fma4(subgroupBroadcast(ak.w, 1u), bk, acc7);
      acc8 = fma4(subgroupBroadcast(ak.x, 2u), bk, acc8); acc9 = fma4(subgroupBroadcast(ak.y, 2u), bk, acc9);
      acc10 = fma4(subgroupBroadcast(ak.z, 2u), bk, acc10); acc11 = fma4(subgroupBroadcast(ak.w, 2u), bk, acc11);
      acc12 = fma4(subgroupBroadcast(ak.x, 3u), bk, acc12); acc13 = fma4(subgroupBroadcast(ak.y, 3u), bk, acc13);
      acc14 = fma4(subgroupBroadcast(ak.z, 3u), bk, acc14); acc15 = fma4(subgroupBroadcast(ak.w, 3u), bk, acc15);
    }
    {
      let bk = loadB(k + 1u, ops);
      let ak = loadA(k + 1u, ops);
      acc0 = fma4(subgroupBroadcast(ak.x, 0u), bk, acc0); acc1 = fma4(subgroupBroadcast(ak.y, 0u), bk, acc1);
      acc2 = fma4(subgroupBroadcast(ak.z, 0u), bk, acc2); acc3 = fma4(subgroupBroadcast(ak.w, 0u), bk, acc3);
      acc4 = fma4(subgroupBroadcast(ak.x, 1u), bk, acc4); acc5 = fma4(subgroupBroadcast(ak.y, 1u), bk, acc5);
      acc6 = fma4(subgroupBroadcast(ak.z, 1u), bk, acc6); acc7 = fma4(subgroupBroadcast(ak.w, 1u), bk, acc7);
      acc8 = fma4(subgroupBroadcast(ak.x, 2u), bk, acc8); acc9 = fma4(subgroupBroadcast(ak.y, 2u), bk, acc9);
      acc10 = fma4(subgroupBroadcast(ak.z, 2u), bk, acc10); acc11 = fma4(subgroupBroadcast(ak.w, 2u), bk, acc11);
      acc12 = fma4(subgroupBroadcast(ak.x, 3u), bk, acc12); acc13 = fma4(subgroupBroadcast(ak.y, 3u), bk, acc13);
      acc14 = fma4(subgroupBroadcast(ak.z, 3u), bk, acc14); acc15 = fma4(subgroupBroadcast(ak.w, 3u), bk, acc15);
    }
    {
      let bk = loadB(k + 2u, ops);
      let ak = loadA(k + 2u, ops);
      acc0 = fma4(subgroupBroadcast(ak.x, 0u), bk, acc0); acc1 = fma4(subgroupBroadcast(ak.y, 0u), bk, acc1);
      acc2 = fma4(subgroupBroadcast(ak.z, 0u), bk, acc2); acc3 = fma4(subgroupBroadcast(ak.w, 0u), bk, acc3);
      acc4 = fma4(subgroupBroadcast(ak.x, 1u), bk, acc4); acc5 = fma4(subgroupBroadcast(ak.y, 1u), bk, acc5);
      acc6 = fma4(subgroupBroadcast(ak.z, 1u), bk, acc6); acc7 = fma4(subgroupBroadcast(ak.w, 1u), bk, acc7);
      acc8 = fma4(subgroupBroadcast(ak.x, 2u), bk, acc8); acc9 = fma4(subgroupBroadcast(ak.y, 2u), bk, acc9);
      acc10 = fma4(subgroupBroadcast(ak.z, 2u), bk, acc10); acc11 = fma4(subgroupBroadcast(ak.w, 2u), bk, acc11);
      acc12 = fma4(subgroupBroadcast(ak.x, 3u), bk, acc12); acc13 = fma4(subgroupBroadcast(ak.y, 3u), bk, acc13);
      acc14 = fma4(subgroupBroadcast(ak.z, 3u), bk, acc14); acc15 = fma4(subgroupBroadcast(ak.w, 3u), bk, acc15);
    }
    {
      let bk = loadB(k + 3u, ops);
      let ak = loadA(k + 3u, ops);
      acc0 = fma4(subgroupBroadcast(ak.x, 0u), bk, acc0); acc1 = fma4(subgroupBroadcast(ak.y, 0u), bk, acc1);
      acc2 = fma4(subgroupBroadcast(ak.z, 0u), bk, acc2); acc3 = fma4(subgroupBroadcast(ak.w, 0u), bk, acc3);
      acc4 = fma4(subgroupBroadcast(ak.x, 1u), bk, acc4); acc5 = fma4(subgroupBroadcast(ak.y, 1u), bk, acc5);
      acc6 = fma4(subgroupBroadcast(ak.z, 1u), bk, acc6); acc7 = fma4(subgroupBroadcast(ak.w, 1u), bk, acc7);
      acc8 = fma4(subgroupBroadcast(ak.x, 2u), bk, acc8); acc9 = fma4(subgroupBroadcast(ak.y, 2u), bk, acc9);
      acc10 = fma4(subgroupBroadcast(ak.z, 2u), bk, acc10); acc11 = fma4(subgroupBroadcast(ak.w, 2u), bk, acc11);
      acc12 = fma4(subgroupBroadcast(ak.x, 3u), bk, acc12); acc13 = fma4(subgroupBroadcast(ak.y, 3u), bk, acc13);
      acc14 = fma4(subgroupBroadcast(ak.z, 3u), bk, acc14); acc15 = fma4(subgroupBroadcast(ak.w, 3u), bk, acc15);
    }
    {
      let bk = loadB(k + 4u, ops);
      let ak = loadA(k + 4u, ops);
      acc0 = fma4(subgroupBroadcast(ak.x, 0u), bk, acc0); acc1 = fma4(subgroupBroadcast(ak.y, 0u), bk, acc1);
      acc2 = fma4(subgroupBroadcast(ak.z, 0u), bk, acc2); acc3 = fma4(subgroupBroadcast(ak.w, 0u), bk, acc3);
      acc4 = fma4(subgroupBroadcast(ak.x, 1u), bk, acc4); acc5 = fma4(subgroupBroadcast(ak.y, 1u), bk, acc5);
      acc6 = fma4(subgroupBroadcast(ak.z, 1u), bk, acc6); acc7 = fma4(subgroupBroadcast(ak.w, 1u), bk, acc7);
      acc8 = fma4(subgroupBroadcast(ak.x, 2u), bk, acc8); acc9 = fma4(subgroupBroadcast(ak.y, 2u), bk, acc9);
      acc10 = fma4(subgroupBroadcast(ak.z, 2u), bk, acc10); acc11 = fma4(subgroupBroadcast(ak.w, 2u), bk, acc11);
      acc12 = fma4(subgroupBroadcast(ak.x, 3u), bk, acc12); acc13 = fma4(subgroupBroadcast(ak.y, 3u), bk, acc13);
      acc14 = fma4(subgroupBroadcast(ak.z, 3u), bk, acc14); acc15 = fma4(subgroupBroadcast(ak.w, 3u), bk, acc15);
    }
    {
      let bk = loadB(k + 5u, ops);
      let ak = loadA(k + 5u, ops);
      acc0 = fma4(subgroupBroadcast(ak.x, 0u), bk, acc0); acc1 = fma4(subgroupBroadcast(ak.y, 0u), bk, acc1);
      acc2 = fma4(subgroupBroadcast(ak.z, 0u), bk, acc2); acc3 = fma4(subgroupBroadcast(ak.w, 0u), bk, acc3);
      acc4 = fma4(subgroupBroadcast(ak.x, 1u), bk, acc4); acc5 = fma4(subgroupBroadcast(ak.y, 1u), bk, acc5);
      acc6 = fma4(subgroupBroadcast(ak.z, 1u), bk, acc6); acc7 = fma4(subgroupBroadcast(ak.w, 1u), bk, acc7);
      acc8 = fma4(subgroupBroadcast(ak.x, 2u), bk, acc8); acc9 = fma4(subgroupBroadcast(ak.y, 2u), bk, acc9);
      acc10 = fma4(subgroupBroadcast(ak.z, 2u), bk, acc10); acc11 = fma4(subgroupBroadcast(ak.w, 2u), bk, acc11);
      acc12 = fma4(subgroupBroadcast(ak.x, 3u), bk, acc12); acc13 = fma4(subgroupBroadcast(ak.y, 3u), bk, acc13);
      acc14 = fma4(subgroupBroadcast(ak.z, 3u), bk, acc14); acc15 = fma4(subgroupBroadcast(ak.w, 3u), bk, acc15);
    }
    {
      let bk = loadB(k + 6u, ops);
      let ak = loadA(k + 6u, ops);
      acc0 = fma4(subgroupBroadcast(ak.x, 0u), bk, acc0); acc1 = fma4(subgroupBroadcast(ak.y, 0u), bk, acc1);
      acc2 = fma4(subgroupBroadcast(ak.z, 0u), bk, acc2); acc3 = fma4(subgroupBroadcast(ak.w, 0u), bk, acc3);
      acc4 = fma4(subgroupBroadcast(ak.x, 1u), bk, acc4); acc5 = fma4(subgroupBroadcast(ak.y, 1u), bk, acc5);
      acc6 = fma4(subgroupBroadcast(ak.z, 1u), bk, acc6); acc7 = fma4(subgroupBroadcast(ak.w, 1u), bk, acc7);
      acc8 = fma4(subgroupBroadcast(ak.x, 2u), bk, acc8); acc9 = fma4(subgroupBroadcast(ak.y, 2u), bk, acc9);
      acc10 = fma4(subgroupBroadcast(ak.z, 2u), bk, acc10); acc11 = fma4(subgroupBroadcast(ak.w, 2u), bk, acc11);
      acc12 = fma4(subgroupBroadcast(ak.x, 3u), bk, acc12); acc13 = fma4(subgroupBroadcast(ak.y, 3u), bk, acc13);
      acc14 = fma4(subgroupBroadcast(ak.z, 3u), bk, acc14); acc15 = fma4(subgroupBroadcast(ak.w, 3u), bk, acc15);
    }
    {
      let bk = loadB(k + 7u, ops);
      let ak = loadA(k + 7u, ops);
      acc0 = fma4(subgroupBroadcast(ak.x, 0u), bk, acc0); acc1 = fma4(subgroupBroadcast(ak.y, 0u), bk, acc1);
      acc2 = fma4(subgroupBroadcast(ak.z, 0u), bk, acc2); acc3 = fma4(subgroupBroadcast(ak.w, 0u), bk, acc3);
      acc4 = fma4(subgroupBroadcast(ak.x, 1u), bk, acc4); acc5 = fma4(subgroupBroadcast(ak.y, 1u), bk, acc5);
      acc6 = fma4(subgroupBroadcast(ak.z, 1u), bk, acc6); acc7 = fma4(subgroupBroadcast(ak.w, 1u), bk, acc7);
      acc8 = fma4(subgroupBroadcast(ak.x, 2u), bk, acc8); acc9 = fma4(subgroupBroadcast(ak.y, 2u), bk, acc9);
      acc10 = fma4(subgroupBroadcast(ak.z, 2u), bk, acc10); acc11 = fma4(subgroupBroadcast(ak.w, 2u), bk, acc11);
      acc12 = fma4(subgroupBroadcast(ak.x, 3u), bk, acc12); acc13 = fma4(subgroupBroadcast(ak.y, 3u), bk, acc13);
      acc14 = fma4(subgroupBroadcast(ak.z, 3u), bk, acc14); acc15 = fma4(subgroupBroadcast(ak.w, 3u), bk, acc15);
    }
  }
  for (var k = unrolledEnd; k < params.depth; k++) {
    {
      let bk = loadB(k, ops);
      let ak = loadA(k, ops);
      acc0 = fma4(subgroupBroadcast(ak.x, 0u), bk, acc0); acc1 = fma4(subgroupBroadcast(ak.y, 0u), bk, acc1);
      acc2 = fma4(subgroupBroadcast(ak.z, 0u), bk, acc2); acc3 = fma4(subgroupBroadcast(ak.w, 0u), bk, acc3);
      acc4 = fma4(subgroupBroadcast(ak.x, 1u), bk, acc4); acc5 = fma4(subgroupBroadcast(ak.y, 1u), bk, acc5);
      acc6 = fma4(subgroupBroadcast(ak.z, 1u), bk, acc6); acc7 = fma4(subgroupBroadcast(ak.w, 1u), bk, acc7);
      acc8 = fma4(subgroupBroadcast(ak.x, 2u), bk, acc8); acc9 = fma4(subgroupBroadcast(ak.y, 2u), bk, acc9);
      acc10 = fma4(subgroupBroadcast(ak.z, 2u), bk, acc10); acc11 = fma4(subgroupBroadcast(ak.w, 2u), bk, acc11);
      acc12 = fma4(subgroupBroadcast(ak.x, 3u), bk, acc12); acc13 = fma4(subgroupBroadcast(ak.y, 3u), bk, acc13);
      acc14 = fma4(subgroupBroadcast(ak.z, 3u), bk, acc14); acc15 = fma4(subgroupBroadcast(ak.w, 3u), bk, acc15);
    }
  }

  if (linear >= tileCount) {
    return;
  }
  let cBase = batch * params.cBatchStride;
  storeRow(cBase, row0, col0, acc0); storeRow(cBase, row0 + 1u, col0, acc1);
  storeRow(cBase, row0 + 2u, col0, acc2); storeRow(cBase, row0 + 3u, col0, acc3);
  storeRow(cBase, row0 + 4u, col0, acc4); storeRow(cBase, row0 + 5u, col0, acc5);
  storeRow(cBase, row0 + 6u, col0, acc6); storeRow(cBase, row0 + 7u, col0, acc7);
  storeRow(cBase, row0 + 8u, col0, acc8); storeRow(cBase, row0 + 9u, col0, acc9);
  storeRow(cBase, row0 + 10u, col0, acc10); storeRow(cBase, row0 + 11u, col0, acc11);
  storeRow(cBase, row0 + 12u, col0, acc12); storeRow(cBase, row0 + 13u, col0, acc13);
  storeRow(cBase, row0 + 14u, col0, acc14); storeRow(cBase, row0 + 15u, col0, acc15);
}

fn storeRow(base: u32, row: u32, col: u32, m: mat4x4f) {
  if (row >= params.rows) {
    return;
  }
  storeVec(base, row, col, m[0]);
  storeVec(base, row, col + 4u, m[1]);
  storeVec(base, row, col + 8u, m[2]);
  storeVec(base, row, col + 12u, m[3]);
}

// Bias and activation on four outputs at once (one code path per vec4, not per element).
fn storeVec(base: u32, row: u32, col: u32, v: vec4f) {
  if (col >= params.cols) {
    return;
  }
  var z = v;
  if (hasBias) {
    let at = row * params.biasRowStride + min(vec4u(col) + vec4u(0u, 1u, 2u, 3u), vec4u(params.cols - 1u)) * params.biasColStride;
    z += vec4f(bias[at.x], bias[at.y], bias[at.z], bias[at.w]);
  }
  let y = activate(z);
  let at = base + row * params.cRowStride + col * params.cColStride;
  c[at] = y.x;
  if (col + 1u < params.cols) { c[at + params.cColStride] = y.y; }
  if (col + 2u < params.cols) { c[at + 2u * params.cColStride] = y.z; }
  if (col + 3u < params.cols) { c[at + 3u * params.cColStride] = y.w; }
}
