// GEMM for adapters that run WGSL on CPU SIMD lanes (SwiftShader): out = act(op(A) op(B) + bias),
// batched, with every operand addressed through element strides (rows, depth, columns, batch), so
// transposes, the shared 2-D operand of a batched product and transposed outputs are all read and
// written in place. No shared memory and no barriers: both are slow where a workgroup runs as a
// sequence of 4-lane SIMD groups on one CPU thread.
//
// Register blocking across a subgroup of 4 lanes (one quad): the subgroup owns 16 rows x 64
// columns, each lane 16 rows x 16 columns (64 vec4 accumulators). Per step of k, a lane loads 4
// values of A (its quarter of the 16 shared rows) and takes the other lanes' 12 through quad swaps
// (lane L's accumulator rows 4g .. 4g + 3 are lane L ^ g's rows of A), and loads its own 16 values
// of B: 20 loads for 256 multiply-adds, where a 4x4 block per
// invocation needs 8 loads for 16. On SwiftShader every load with a per-lane address is a
// branchy per-lane gather and costs about as much as 16 multiply-adds, which is why the loads are
// what the blocking minimizes. Traffic: A is read once per 64 output columns, B once per 16 rows.
//
// The k loop is unrolled 8 times: SwiftShader stores every loop-carried value (the 256
// accumulators) to memory with a lane mask on each back edge, so one iteration per step of k
// costs more than the multiply-adds. Within an iteration the 8 steps' operands are loaded first,
// then each accumulator column takes its 8 multiply-adds in a row, one accumulator after another
// (a chain the JIT keeps in registers), rather than every accumulator once per step: faster, the
// same results to the bit (docs/swiftshader.md, The GEMM).
// That loop is written by scripts/generate-matmul-lanes.mjs (64 accumulators, 2048
// multiply-adds per iteration). A quad swap is one shuffle on SwiftShader, where subgroupBroadcast
// masks the lanes and ORs them together (faster, the same results to the bit); scalar swaps where
// a row needs them, not vec4 swaps of each step's A values kept for the iteration.
//
// Edges: rows and columns past the end are clamped to the last one for loading (always in
// bounds, the duplicates are discarded) and masked when storing; k runs exactly to depth. Any
// size works, including 1 and sizes that are not multiples of 4 or of the tile. Where every tile
// lies inside the output and its rows are contiguous, the host sets `wholeTiles` and the stores
// skip their bounds tests: SwiftShader runs each masked store's branch for every lane (measured:
// bench/HISTORY.md).
//
// Fusion: `hasBias` and `activation` finish each output before it is stored. Operands are read as
// stored: forming dz = dy * act'(y) in the loads (as matmul_tiled.wgsl can) would double the
// gathers this kernel is bound by, for every tile of output columns; the dense backward pass
// writes dz once instead (docs/swiftshader.md).
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
  // Texture operands only: texture rows per batch entry of A and of B (0: shared by the batch;
  // A copied (gemm_operands_texture.wgsl's aLinear): texels per batch entry).
  aLayerRows: u32,
  bLayerRows: u32,
}

// Bindings 0 and 1 (A and B) and their loads are in the operand part the host appends:
// gemm_operands_buffer.wgsl (storage buffers) or gemm_operands_texture.wgsl (textures).
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// An activation code of parts/activation.wgsl (appended by the host), and leakyRelu's slope.
override activation: u32 = 0;
override alpha: f32 = 0.2;
override hasBias: bool = false;
// Rows a multiple of 16, columns a multiple of 64, cColStride 1 (set by the host).
override wholeTiles: bool = false;
// Depth not a multiple of 8 (set by the host): the accumulation's single-step loop is compiled in.
override partialK: bool = true;

alias ActValue = vec4f;

// One subgroup (one tile) per workgroup: a workgroup runs on one CPU thread, so with 16 tiles per
// workgroup a product of a few tiles ran on one core, and the padding subgroups of the last
// workgroup recomputed a tile each (measured: docs/swiftshader.md, The GEMM).
@compute @workgroup_size(4)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(subgroup_invocation_id) lane: u32) {
  let tilesPerBatch = params.tileRows * params.tileCols;
  let tileCount = tilesPerBatch * params.batches;
  let linear = gridIndex(wid, nwg);
  // Workgroups past the end of a folded grid compute the last tile again and store nothing.
  let tile = min(linear, tileCount - 1u);
  let batch = tile / tilesPerBatch;
  let inBatch = tile % tilesPerBatch;
  let row0 = (inBatch / params.tileCols) * 16u;
  let col0 = (inBatch % params.tileCols) * 64u + lane * 16u;

  // Where this lane's 4 rows of A and 16 columns of B are (operand part).
  let ops = tileOperands(batch, row0 + lane * 4u, col0);

  // BEGIN accumulation, written by scripts/generate-matmul-lanes.mjs
  // acc<r>_<c>: row row0 + 4 (lane ^ (r / 4)) + r % 4, columns col0 + 4c .. col0 + 4c + 3.
  var acc0_0 = vec4f(); var acc0_1 = vec4f(); var acc0_2 = vec4f(); var acc0_3 = vec4f();
  var acc1_0 = vec4f(); var acc1_1 = vec4f(); var acc1_2 = vec4f(); var acc1_3 = vec4f();
  var acc2_0 = vec4f(); var acc2_1 = vec4f(); var acc2_2 = vec4f(); var acc2_3 = vec4f();
  var acc3_0 = vec4f(); var acc3_1 = vec4f(); var acc3_2 = vec4f(); var acc3_3 = vec4f();
  var acc4_0 = vec4f(); var acc4_1 = vec4f(); var acc4_2 = vec4f(); var acc4_3 = vec4f();
  var acc5_0 = vec4f(); var acc5_1 = vec4f(); var acc5_2 = vec4f(); var acc5_3 = vec4f();
  var acc6_0 = vec4f(); var acc6_1 = vec4f(); var acc6_2 = vec4f(); var acc6_3 = vec4f();
  var acc7_0 = vec4f(); var acc7_1 = vec4f(); var acc7_2 = vec4f(); var acc7_3 = vec4f();
  var acc8_0 = vec4f(); var acc8_1 = vec4f(); var acc8_2 = vec4f(); var acc8_3 = vec4f();
  var acc9_0 = vec4f(); var acc9_1 = vec4f(); var acc9_2 = vec4f(); var acc9_3 = vec4f();
  var acc10_0 = vec4f(); var acc10_1 = vec4f(); var acc10_2 = vec4f(); var acc10_3 = vec4f();
  var acc11_0 = vec4f(); var acc11_1 = vec4f(); var acc11_2 = vec4f(); var acc11_3 = vec4f();
  var acc12_0 = vec4f(); var acc12_1 = vec4f(); var acc12_2 = vec4f(); var acc12_3 = vec4f();
  var acc13_0 = vec4f(); var acc13_1 = vec4f(); var acc13_2 = vec4f(); var acc13_3 = vec4f();
  var acc14_0 = vec4f(); var acc14_1 = vec4f(); var acc14_2 = vec4f(); var acc14_3 = vec4f();
  var acc15_0 = vec4f(); var acc15_1 = vec4f(); var acc15_2 = vec4f(); var acc15_3 = vec4f();
  let unrolledEnd = params.depth - params.depth % 8u;
  for (var k = 0u; k < unrolledEnd; k += 8u) {
    let b0 = loadB(k, ops); let b1 = loadB(k + 1u, ops); let b2 = loadB(k + 2u, ops); let b3 = loadB(k + 3u, ops);
    let b4 = loadB(k + 4u, ops); let b5 = loadB(k + 5u, ops); let b6 = loadB(k + 6u, ops); let b7 = loadB(k + 7u, ops);
    let a0 = loadA(k, ops); let a1 = loadA(k + 1u, ops); let a2 = loadA(k + 2u, ops); let a3 = loadA(k + 3u, ops);
    let a4 = loadA(k + 4u, ops); let a5 = loadA(k + 5u, ops); let a6 = loadA(k + 6u, ops); let a7 = loadA(k + 7u, ops);
    {
      let s0 = vec4f(a0.x); let s1 = vec4f(a1.x);
      let s2 = vec4f(a2.x); let s3 = vec4f(a3.x);
      let s4 = vec4f(a4.x); let s5 = vec4f(a5.x);
      let s6 = vec4f(a6.x); let s7 = vec4f(a7.x);
      acc0_0 = fma(s0, b0[0], acc0_0); acc0_0 = fma(s1, b1[0], acc0_0); acc0_0 = fma(s2, b2[0], acc0_0); acc0_0 = fma(s3, b3[0], acc0_0);
      acc0_0 = fma(s4, b4[0], acc0_0); acc0_0 = fma(s5, b5[0], acc0_0); acc0_0 = fma(s6, b6[0], acc0_0); acc0_0 = fma(s7, b7[0], acc0_0);
      acc0_1 = fma(s0, b0[1], acc0_1); acc0_1 = fma(s1, b1[1], acc0_1); acc0_1 = fma(s2, b2[1], acc0_1); acc0_1 = fma(s3, b3[1], acc0_1);
      acc0_1 = fma(s4, b4[1], acc0_1); acc0_1 = fma(s5, b5[1], acc0_1); acc0_1 = fma(s6, b6[1], acc0_1); acc0_1 = fma(s7, b7[1], acc0_1);
      acc0_2 = fma(s0, b0[2], acc0_2); acc0_2 = fma(s1, b1[2], acc0_2); acc0_2 = fma(s2, b2[2], acc0_2); acc0_2 = fma(s3, b3[2], acc0_2);
      acc0_2 = fma(s4, b4[2], acc0_2); acc0_2 = fma(s5, b5[2], acc0_2); acc0_2 = fma(s6, b6[2], acc0_2); acc0_2 = fma(s7, b7[2], acc0_2);
      acc0_3 = fma(s0, b0[3], acc0_3); acc0_3 = fma(s1, b1[3], acc0_3); acc0_3 = fma(s2, b2[3], acc0_3); acc0_3 = fma(s3, b3[3], acc0_3);
      acc0_3 = fma(s4, b4[3], acc0_3); acc0_3 = fma(s5, b5[3], acc0_3); acc0_3 = fma(s6, b6[3], acc0_3); acc0_3 = fma(s7, b7[3], acc0_3);
    }
    {
      let s0 = vec4f(a0.y); let s1 = vec4f(a1.y);
      let s2 = vec4f(a2.y); let s3 = vec4f(a3.y);
      let s4 = vec4f(a4.y); let s5 = vec4f(a5.y);
      let s6 = vec4f(a6.y); let s7 = vec4f(a7.y);
      acc1_0 = fma(s0, b0[0], acc1_0); acc1_0 = fma(s1, b1[0], acc1_0); acc1_0 = fma(s2, b2[0], acc1_0); acc1_0 = fma(s3, b3[0], acc1_0);
      acc1_0 = fma(s4, b4[0], acc1_0); acc1_0 = fma(s5, b5[0], acc1_0); acc1_0 = fma(s6, b6[0], acc1_0); acc1_0 = fma(s7, b7[0], acc1_0);
      acc1_1 = fma(s0, b0[1], acc1_1); acc1_1 = fma(s1, b1[1], acc1_1); acc1_1 = fma(s2, b2[1], acc1_1); acc1_1 = fma(s3, b3[1], acc1_1);
      acc1_1 = fma(s4, b4[1], acc1_1); acc1_1 = fma(s5, b5[1], acc1_1); acc1_1 = fma(s6, b6[1], acc1_1); acc1_1 = fma(s7, b7[1], acc1_1);
      acc1_2 = fma(s0, b0[2], acc1_2); acc1_2 = fma(s1, b1[2], acc1_2); acc1_2 = fma(s2, b2[2], acc1_2); acc1_2 = fma(s3, b3[2], acc1_2);
      acc1_2 = fma(s4, b4[2], acc1_2); acc1_2 = fma(s5, b5[2], acc1_2); acc1_2 = fma(s6, b6[2], acc1_2); acc1_2 = fma(s7, b7[2], acc1_2);
      acc1_3 = fma(s0, b0[3], acc1_3); acc1_3 = fma(s1, b1[3], acc1_3); acc1_3 = fma(s2, b2[3], acc1_3); acc1_3 = fma(s3, b3[3], acc1_3);
      acc1_3 = fma(s4, b4[3], acc1_3); acc1_3 = fma(s5, b5[3], acc1_3); acc1_3 = fma(s6, b6[3], acc1_3); acc1_3 = fma(s7, b7[3], acc1_3);
    }
    {
      let s0 = vec4f(a0.z); let s1 = vec4f(a1.z);
      let s2 = vec4f(a2.z); let s3 = vec4f(a3.z);
      let s4 = vec4f(a4.z); let s5 = vec4f(a5.z);
      let s6 = vec4f(a6.z); let s7 = vec4f(a7.z);
      acc2_0 = fma(s0, b0[0], acc2_0); acc2_0 = fma(s1, b1[0], acc2_0); acc2_0 = fma(s2, b2[0], acc2_0); acc2_0 = fma(s3, b3[0], acc2_0);
      acc2_0 = fma(s4, b4[0], acc2_0); acc2_0 = fma(s5, b5[0], acc2_0); acc2_0 = fma(s6, b6[0], acc2_0); acc2_0 = fma(s7, b7[0], acc2_0);
      acc2_1 = fma(s0, b0[1], acc2_1); acc2_1 = fma(s1, b1[1], acc2_1); acc2_1 = fma(s2, b2[1], acc2_1); acc2_1 = fma(s3, b3[1], acc2_1);
      acc2_1 = fma(s4, b4[1], acc2_1); acc2_1 = fma(s5, b5[1], acc2_1); acc2_1 = fma(s6, b6[1], acc2_1); acc2_1 = fma(s7, b7[1], acc2_1);
      acc2_2 = fma(s0, b0[2], acc2_2); acc2_2 = fma(s1, b1[2], acc2_2); acc2_2 = fma(s2, b2[2], acc2_2); acc2_2 = fma(s3, b3[2], acc2_2);
      acc2_2 = fma(s4, b4[2], acc2_2); acc2_2 = fma(s5, b5[2], acc2_2); acc2_2 = fma(s6, b6[2], acc2_2); acc2_2 = fma(s7, b7[2], acc2_2);
      acc2_3 = fma(s0, b0[3], acc2_3); acc2_3 = fma(s1, b1[3], acc2_3); acc2_3 = fma(s2, b2[3], acc2_3); acc2_3 = fma(s3, b3[3], acc2_3);
      acc2_3 = fma(s4, b4[3], acc2_3); acc2_3 = fma(s5, b5[3], acc2_3); acc2_3 = fma(s6, b6[3], acc2_3); acc2_3 = fma(s7, b7[3], acc2_3);
    }
    {
      let s0 = vec4f(a0.w); let s1 = vec4f(a1.w);
      let s2 = vec4f(a2.w); let s3 = vec4f(a3.w);
      let s4 = vec4f(a4.w); let s5 = vec4f(a5.w);
      let s6 = vec4f(a6.w); let s7 = vec4f(a7.w);
      acc3_0 = fma(s0, b0[0], acc3_0); acc3_0 = fma(s1, b1[0], acc3_0); acc3_0 = fma(s2, b2[0], acc3_0); acc3_0 = fma(s3, b3[0], acc3_0);
      acc3_0 = fma(s4, b4[0], acc3_0); acc3_0 = fma(s5, b5[0], acc3_0); acc3_0 = fma(s6, b6[0], acc3_0); acc3_0 = fma(s7, b7[0], acc3_0);
      acc3_1 = fma(s0, b0[1], acc3_1); acc3_1 = fma(s1, b1[1], acc3_1); acc3_1 = fma(s2, b2[1], acc3_1); acc3_1 = fma(s3, b3[1], acc3_1);
      acc3_1 = fma(s4, b4[1], acc3_1); acc3_1 = fma(s5, b5[1], acc3_1); acc3_1 = fma(s6, b6[1], acc3_1); acc3_1 = fma(s7, b7[1], acc3_1);
      acc3_2 = fma(s0, b0[2], acc3_2); acc3_2 = fma(s1, b1[2], acc3_2); acc3_2 = fma(s2, b2[2], acc3_2); acc3_2 = fma(s3, b3[2], acc3_2);
      acc3_2 = fma(s4, b4[2], acc3_2); acc3_2 = fma(s5, b5[2], acc3_2); acc3_2 = fma(s6, b6[2], acc3_2); acc3_2 = fma(s7, b7[2], acc3_2);
      acc3_3 = fma(s0, b0[3], acc3_3); acc3_3 = fma(s1, b1[3], acc3_3); acc3_3 = fma(s2, b2[3], acc3_3); acc3_3 = fma(s3, b3[3], acc3_3);
      acc3_3 = fma(s4, b4[3], acc3_3); acc3_3 = fma(s5, b5[3], acc3_3); acc3_3 = fma(s6, b6[3], acc3_3); acc3_3 = fma(s7, b7[3], acc3_3);
    }
    {
      let s0 = vec4f(quadSwapX(a0.x)); let s1 = vec4f(quadSwapX(a1.x));
      let s2 = vec4f(quadSwapX(a2.x)); let s3 = vec4f(quadSwapX(a3.x));
      let s4 = vec4f(quadSwapX(a4.x)); let s5 = vec4f(quadSwapX(a5.x));
      let s6 = vec4f(quadSwapX(a6.x)); let s7 = vec4f(quadSwapX(a7.x));
      acc4_0 = fma(s0, b0[0], acc4_0); acc4_0 = fma(s1, b1[0], acc4_0); acc4_0 = fma(s2, b2[0], acc4_0); acc4_0 = fma(s3, b3[0], acc4_0);
      acc4_0 = fma(s4, b4[0], acc4_0); acc4_0 = fma(s5, b5[0], acc4_0); acc4_0 = fma(s6, b6[0], acc4_0); acc4_0 = fma(s7, b7[0], acc4_0);
      acc4_1 = fma(s0, b0[1], acc4_1); acc4_1 = fma(s1, b1[1], acc4_1); acc4_1 = fma(s2, b2[1], acc4_1); acc4_1 = fma(s3, b3[1], acc4_1);
      acc4_1 = fma(s4, b4[1], acc4_1); acc4_1 = fma(s5, b5[1], acc4_1); acc4_1 = fma(s6, b6[1], acc4_1); acc4_1 = fma(s7, b7[1], acc4_1);
      acc4_2 = fma(s0, b0[2], acc4_2); acc4_2 = fma(s1, b1[2], acc4_2); acc4_2 = fma(s2, b2[2], acc4_2); acc4_2 = fma(s3, b3[2], acc4_2);
      acc4_2 = fma(s4, b4[2], acc4_2); acc4_2 = fma(s5, b5[2], acc4_2); acc4_2 = fma(s6, b6[2], acc4_2); acc4_2 = fma(s7, b7[2], acc4_2);
      acc4_3 = fma(s0, b0[3], acc4_3); acc4_3 = fma(s1, b1[3], acc4_3); acc4_3 = fma(s2, b2[3], acc4_3); acc4_3 = fma(s3, b3[3], acc4_3);
      acc4_3 = fma(s4, b4[3], acc4_3); acc4_3 = fma(s5, b5[3], acc4_3); acc4_3 = fma(s6, b6[3], acc4_3); acc4_3 = fma(s7, b7[3], acc4_3);
    }
    {
      let s0 = vec4f(quadSwapX(a0.y)); let s1 = vec4f(quadSwapX(a1.y));
      let s2 = vec4f(quadSwapX(a2.y)); let s3 = vec4f(quadSwapX(a3.y));
      let s4 = vec4f(quadSwapX(a4.y)); let s5 = vec4f(quadSwapX(a5.y));
      let s6 = vec4f(quadSwapX(a6.y)); let s7 = vec4f(quadSwapX(a7.y));
      acc5_0 = fma(s0, b0[0], acc5_0); acc5_0 = fma(s1, b1[0], acc5_0); acc5_0 = fma(s2, b2[0], acc5_0); acc5_0 = fma(s3, b3[0], acc5_0);
      acc5_0 = fma(s4, b4[0], acc5_0); acc5_0 = fma(s5, b5[0], acc5_0); acc5_0 = fma(s6, b6[0], acc5_0); acc5_0 = fma(s7, b7[0], acc5_0);
      acc5_1 = fma(s0, b0[1], acc5_1); acc5_1 = fma(s1, b1[1], acc5_1); acc5_1 = fma(s2, b2[1], acc5_1); acc5_1 = fma(s3, b3[1], acc5_1);
      acc5_1 = fma(s4, b4[1], acc5_1); acc5_1 = fma(s5, b5[1], acc5_1); acc5_1 = fma(s6, b6[1], acc5_1); acc5_1 = fma(s7, b7[1], acc5_1);
      acc5_2 = fma(s0, b0[2], acc5_2); acc5_2 = fma(s1, b1[2], acc5_2); acc5_2 = fma(s2, b2[2], acc5_2); acc5_2 = fma(s3, b3[2], acc5_2);
      acc5_2 = fma(s4, b4[2], acc5_2); acc5_2 = fma(s5, b5[2], acc5_2); acc5_2 = fma(s6, b6[2], acc5_2); acc5_2 = fma(s7, b7[2], acc5_2);
      acc5_3 = fma(s0, b0[3], acc5_3); acc5_3 = fma(s1, b1[3], acc5_3); acc5_3 = fma(s2, b2[3], acc5_3); acc5_3 = fma(s3, b3[3], acc5_3);
      acc5_3 = fma(s4, b4[3], acc5_3); acc5_3 = fma(s5, b5[3], acc5_3); acc5_3 = fma(s6, b6[3], acc5_3); acc5_3 = fma(s7, b7[3], acc5_3);
    }
    {
      let s0 = vec4f(quadSwapX(a0.z)); let s1 = vec4f(quadSwapX(a1.z));
      let s2 = vec4f(quadSwapX(a2.z)); let s3 = vec4f(quadSwapX(a3.z));
      let s4 = vec4f(quadSwapX(a4.z)); let s5 = vec4f(quadSwapX(a5.z));
      let s6 = vec4f(quadSwapX(a6.z)); let s7 = vec4f(quadSwapX(a7.z));
      acc6_0 = fma(s0, b0[0], acc6_0); acc6_0 = fma(s1, b1[0], acc6_0); acc6_0 = fma(s2, b2[0], acc6_0); acc6_0 = fma(s3, b3[0], acc6_0);
      acc6_0 = fma(s4, b4[0], acc6_0); acc6_0 = fma(s5, b5[0], acc6_0); acc6_0 = fma(s6, b6[0], acc6_0); acc6_0 = fma(s7, b7[0], acc6_0);
      acc6_1 = fma(s0, b0[1], acc6_1); acc6_1 = fma(s1, b1[1], acc6_1); acc6_1 = fma(s2, b2[1], acc6_1); acc6_1 = fma(s3, b3[1], acc6_1);
      acc6_1 = fma(s4, b4[1], acc6_1); acc6_1 = fma(s5, b5[1], acc6_1); acc6_1 = fma(s6, b6[1], acc6_1); acc6_1 = fma(s7, b7[1], acc6_1);
      acc6_2 = fma(s0, b0[2], acc6_2); acc6_2 = fma(s1, b1[2], acc6_2); acc6_2 = fma(s2, b2[2], acc6_2); acc6_2 = fma(s3, b3[2], acc6_2);
      acc6_2 = fma(s4, b4[2], acc6_2); acc6_2 = fma(s5, b5[2], acc6_2); acc6_2 = fma(s6, b6[2], acc6_2); acc6_2 = fma(s7, b7[2], acc6_2);
      acc6_3 = fma(s0, b0[3], acc6_3); acc6_3 = fma(s1, b1[3], acc6_3); acc6_3 = fma(s2, b2[3], acc6_3); acc6_3 = fma(s3, b3[3], acc6_3);
      acc6_3 = fma(s4, b4[3], acc6_3); acc6_3 = fma(s5, b5[3], acc6_3); acc6_3 = fma(s6, b6[3], acc6_3); acc6_3 = fma(s7, b7[3], acc6_3);
    }
    {
      let s0 = vec4f(quadSwapX(a0.w)); let s1 = vec4f(quadSwapX(a1.w));
      let s2 = vec4f(quadSwapX(a2.w)); let s3 = vec4f(quadSwapX(a3.w));
      let s4 = vec4f(quadSwapX(a4.w)); let s5 = vec4f(quadSwapX(a5.w));
      let s6 = vec4f(quadSwapX(a6.w)); let s7 = vec4f(quadSwapX(a7.w));
      acc7_0 = fma(s0, b0[0], acc7_0); acc7_0 = fma(s1, b1[0], acc7_0); acc7_0 = fma(s2, b2[0], acc7_0); acc7_0 = fma(s3, b3[0], acc7_0);
      acc7_0 = fma(s4, b4[0], acc7_0); acc7_0 = fma(s5, b5[0], acc7_0); acc7_0 = fma(s6, b6[0], acc7_0); acc7_0 = fma(s7, b7[0], acc7_0);
      acc7_1 = fma(s0, b0[1], acc7_1); acc7_1 = fma(s1, b1[1], acc7_1); acc7_1 = fma(s2, b2[1], acc7_1); acc7_1 = fma(s3, b3[1], acc7_1);
      acc7_1 = fma(s4, b4[1], acc7_1); acc7_1 = fma(s5, b5[1], acc7_1); acc7_1 = fma(s6, b6[1], acc7_1); acc7_1 = fma(s7, b7[1], acc7_1);
      acc7_2 = fma(s0, b0[2], acc7_2); acc7_2 = fma(s1, b1[2], acc7_2); acc7_2 = fma(s2, b2[2], acc7_2); acc7_2 = fma(s3, b3[2], acc7_2);
      acc7_2 = fma(s4, b4[2], acc7_2); acc7_2 = fma(s5, b5[2], acc7_2); acc7_2 = fma(s6, b6[2], acc7_2); acc7_2 = fma(s7, b7[2], acc7_2);
      acc7_3 = fma(s0, b0[3], acc7_3); acc7_3 = fma(s1, b1[3], acc7_3); acc7_3 = fma(s2, b2[3], acc7_3); acc7_3 = fma(s3, b3[3], acc7_3);
      acc7_3 = fma(s4, b4[3], acc7_3); acc7_3 = fma(s5, b5[3], acc7_3); acc7_3 = fma(s6, b6[3], acc7_3); acc7_3 = fma(s7, b7[3], acc7_3);
    }
    {
      let s0 = vec4f(quadSwapY(a0.x)); let s1 = vec4f(quadSwapY(a1.x));
      let s2 = vec4f(quadSwapY(a2.x)); let s3 = vec4f(quadSwapY(a3.x));
      let s4 = vec4f(quadSwapY(a4.x)); let s5 = vec4f(quadSwapY(a5.x));
      let s6 = vec4f(quadSwapY(a6.x)); let s7 = vec4f(quadSwapY(a7.x));
      acc8_0 = fma(s0, b0[0], acc8_0); acc8_0 = fma(s1, b1[0], acc8_0); acc8_0 = fma(s2, b2[0], acc8_0); acc8_0 = fma(s3, b3[0], acc8_0);
      acc8_0 = fma(s4, b4[0], acc8_0); acc8_0 = fma(s5, b5[0], acc8_0); acc8_0 = fma(s6, b6[0], acc8_0); acc8_0 = fma(s7, b7[0], acc8_0);
      acc8_1 = fma(s0, b0[1], acc8_1); acc8_1 = fma(s1, b1[1], acc8_1); acc8_1 = fma(s2, b2[1], acc8_1); acc8_1 = fma(s3, b3[1], acc8_1);
      acc8_1 = fma(s4, b4[1], acc8_1); acc8_1 = fma(s5, b5[1], acc8_1); acc8_1 = fma(s6, b6[1], acc8_1); acc8_1 = fma(s7, b7[1], acc8_1);
      acc8_2 = fma(s0, b0[2], acc8_2); acc8_2 = fma(s1, b1[2], acc8_2); acc8_2 = fma(s2, b2[2], acc8_2); acc8_2 = fma(s3, b3[2], acc8_2);
      acc8_2 = fma(s4, b4[2], acc8_2); acc8_2 = fma(s5, b5[2], acc8_2); acc8_2 = fma(s6, b6[2], acc8_2); acc8_2 = fma(s7, b7[2], acc8_2);
      acc8_3 = fma(s0, b0[3], acc8_3); acc8_3 = fma(s1, b1[3], acc8_3); acc8_3 = fma(s2, b2[3], acc8_3); acc8_3 = fma(s3, b3[3], acc8_3);
      acc8_3 = fma(s4, b4[3], acc8_3); acc8_3 = fma(s5, b5[3], acc8_3); acc8_3 = fma(s6, b6[3], acc8_3); acc8_3 = fma(s7, b7[3], acc8_3);
    }
    {
      let s0 = vec4f(quadSwapY(a0.y)); let s1 = vec4f(quadSwapY(a1.y));
      let s2 = vec4f(quadSwapY(a2.y)); let s3 = vec4f(quadSwapY(a3.y));
      let s4 = vec4f(quadSwapY(a4.y)); let s5 = vec4f(quadSwapY(a5.y));
      let s6 = vec4f(quadSwapY(a6.y)); let s7 = vec4f(quadSwapY(a7.y));
      acc9_0 = fma(s0, b0[0], acc9_0); acc9_0 = fma(s1, b1[0], acc9_0); acc9_0 = fma(s2, b2[0], acc9_0); acc9_0 = fma(s3, b3[0], acc9_0);
      acc9_0 = fma(s4, b4[0], acc9_0); acc9_0 = fma(s5, b5[0], acc9_0); acc9_0 = fma(s6, b6[0], acc9_0); acc9_0 = fma(s7, b7[0], acc9_0);
      acc9_1 = fma(s0, b0[1], acc9_1); acc9_1 = fma(s1, b1[1], acc9_1); acc9_1 = fma(s2, b2[1], acc9_1); acc9_1 = fma(s3, b3[1], acc9_1);
      acc9_1 = fma(s4, b4[1], acc9_1); acc9_1 = fma(s5, b5[1], acc9_1); acc9_1 = fma(s6, b6[1], acc9_1); acc9_1 = fma(s7, b7[1], acc9_1);
      acc9_2 = fma(s0, b0[2], acc9_2); acc9_2 = fma(s1, b1[2], acc9_2); acc9_2 = fma(s2, b2[2], acc9_2); acc9_2 = fma(s3, b3[2], acc9_2);
      acc9_2 = fma(s4, b4[2], acc9_2); acc9_2 = fma(s5, b5[2], acc9_2); acc9_2 = fma(s6, b6[2], acc9_2); acc9_2 = fma(s7, b7[2], acc9_2);
      acc9_3 = fma(s0, b0[3], acc9_3); acc9_3 = fma(s1, b1[3], acc9_3); acc9_3 = fma(s2, b2[3], acc9_3); acc9_3 = fma(s3, b3[3], acc9_3);
      acc9_3 = fma(s4, b4[3], acc9_3); acc9_3 = fma(s5, b5[3], acc9_3); acc9_3 = fma(s6, b6[3], acc9_3); acc9_3 = fma(s7, b7[3], acc9_3);
    }
    {
      let s0 = vec4f(quadSwapY(a0.z)); let s1 = vec4f(quadSwapY(a1.z));
      let s2 = vec4f(quadSwapY(a2.z)); let s3 = vec4f(quadSwapY(a3.z));
      let s4 = vec4f(quadSwapY(a4.z)); let s5 = vec4f(quadSwapY(a5.z));
      let s6 = vec4f(quadSwapY(a6.z)); let s7 = vec4f(quadSwapY(a7.z));
      acc10_0 = fma(s0, b0[0], acc10_0); acc10_0 = fma(s1, b1[0], acc10_0); acc10_0 = fma(s2, b2[0], acc10_0); acc10_0 = fma(s3, b3[0], acc10_0);
      acc10_0 = fma(s4, b4[0], acc10_0); acc10_0 = fma(s5, b5[0], acc10_0); acc10_0 = fma(s6, b6[0], acc10_0); acc10_0 = fma(s7, b7[0], acc10_0);
      acc10_1 = fma(s0, b0[1], acc10_1); acc10_1 = fma(s1, b1[1], acc10_1); acc10_1 = fma(s2, b2[1], acc10_1); acc10_1 = fma(s3, b3[1], acc10_1);
      acc10_1 = fma(s4, b4[1], acc10_1); acc10_1 = fma(s5, b5[1], acc10_1); acc10_1 = fma(s6, b6[1], acc10_1); acc10_1 = fma(s7, b7[1], acc10_1);
      acc10_2 = fma(s0, b0[2], acc10_2); acc10_2 = fma(s1, b1[2], acc10_2); acc10_2 = fma(s2, b2[2], acc10_2); acc10_2 = fma(s3, b3[2], acc10_2);
      acc10_2 = fma(s4, b4[2], acc10_2); acc10_2 = fma(s5, b5[2], acc10_2); acc10_2 = fma(s6, b6[2], acc10_2); acc10_2 = fma(s7, b7[2], acc10_2);
      acc10_3 = fma(s0, b0[3], acc10_3); acc10_3 = fma(s1, b1[3], acc10_3); acc10_3 = fma(s2, b2[3], acc10_3); acc10_3 = fma(s3, b3[3], acc10_3);
      acc10_3 = fma(s4, b4[3], acc10_3); acc10_3 = fma(s5, b5[3], acc10_3); acc10_3 = fma(s6, b6[3], acc10_3); acc10_3 = fma(s7, b7[3], acc10_3);
    }
    {
      let s0 = vec4f(quadSwapY(a0.w)); let s1 = vec4f(quadSwapY(a1.w));
      let s2 = vec4f(quadSwapY(a2.w)); let s3 = vec4f(quadSwapY(a3.w));
      let s4 = vec4f(quadSwapY(a4.w)); let s5 = vec4f(quadSwapY(a5.w));
      let s6 = vec4f(quadSwapY(a6.w)); let s7 = vec4f(quadSwapY(a7.w));
      acc11_0 = fma(s0, b0[0], acc11_0); acc11_0 = fma(s1, b1[0], acc11_0); acc11_0 = fma(s2, b2[0], acc11_0); acc11_0 = fma(s3, b3[0], acc11_0);
      acc11_0 = fma(s4, b4[0], acc11_0); acc11_0 = fma(s5, b5[0], acc11_0); acc11_0 = fma(s6, b6[0], acc11_0); acc11_0 = fma(s7, b7[0], acc11_0);
      acc11_1 = fma(s0, b0[1], acc11_1); acc11_1 = fma(s1, b1[1], acc11_1); acc11_1 = fma(s2, b2[1], acc11_1); acc11_1 = fma(s3, b3[1], acc11_1);
      acc11_1 = fma(s4, b4[1], acc11_1); acc11_1 = fma(s5, b5[1], acc11_1); acc11_1 = fma(s6, b6[1], acc11_1); acc11_1 = fma(s7, b7[1], acc11_1);
      acc11_2 = fma(s0, b0[2], acc11_2); acc11_2 = fma(s1, b1[2], acc11_2); acc11_2 = fma(s2, b2[2], acc11_2); acc11_2 = fma(s3, b3[2], acc11_2);
      acc11_2 = fma(s4, b4[2], acc11_2); acc11_2 = fma(s5, b5[2], acc11_2); acc11_2 = fma(s6, b6[2], acc11_2); acc11_2 = fma(s7, b7[2], acc11_2);
      acc11_3 = fma(s0, b0[3], acc11_3); acc11_3 = fma(s1, b1[3], acc11_3); acc11_3 = fma(s2, b2[3], acc11_3); acc11_3 = fma(s3, b3[3], acc11_3);
      acc11_3 = fma(s4, b4[3], acc11_3); acc11_3 = fma(s5, b5[3], acc11_3); acc11_3 = fma(s6, b6[3], acc11_3); acc11_3 = fma(s7, b7[3], acc11_3);
    }
    {
      let s0 = vec4f(quadSwapDiagonal(a0.x)); let s1 = vec4f(quadSwapDiagonal(a1.x));
      let s2 = vec4f(quadSwapDiagonal(a2.x)); let s3 = vec4f(quadSwapDiagonal(a3.x));
      let s4 = vec4f(quadSwapDiagonal(a4.x)); let s5 = vec4f(quadSwapDiagonal(a5.x));
      let s6 = vec4f(quadSwapDiagonal(a6.x)); let s7 = vec4f(quadSwapDiagonal(a7.x));
      acc12_0 = fma(s0, b0[0], acc12_0); acc12_0 = fma(s1, b1[0], acc12_0); acc12_0 = fma(s2, b2[0], acc12_0); acc12_0 = fma(s3, b3[0], acc12_0);
      acc12_0 = fma(s4, b4[0], acc12_0); acc12_0 = fma(s5, b5[0], acc12_0); acc12_0 = fma(s6, b6[0], acc12_0); acc12_0 = fma(s7, b7[0], acc12_0);
      acc12_1 = fma(s0, b0[1], acc12_1); acc12_1 = fma(s1, b1[1], acc12_1); acc12_1 = fma(s2, b2[1], acc12_1); acc12_1 = fma(s3, b3[1], acc12_1);
      acc12_1 = fma(s4, b4[1], acc12_1); acc12_1 = fma(s5, b5[1], acc12_1); acc12_1 = fma(s6, b6[1], acc12_1); acc12_1 = fma(s7, b7[1], acc12_1);
      acc12_2 = fma(s0, b0[2], acc12_2); acc12_2 = fma(s1, b1[2], acc12_2); acc12_2 = fma(s2, b2[2], acc12_2); acc12_2 = fma(s3, b3[2], acc12_2);
      acc12_2 = fma(s4, b4[2], acc12_2); acc12_2 = fma(s5, b5[2], acc12_2); acc12_2 = fma(s6, b6[2], acc12_2); acc12_2 = fma(s7, b7[2], acc12_2);
      acc12_3 = fma(s0, b0[3], acc12_3); acc12_3 = fma(s1, b1[3], acc12_3); acc12_3 = fma(s2, b2[3], acc12_3); acc12_3 = fma(s3, b3[3], acc12_3);
      acc12_3 = fma(s4, b4[3], acc12_3); acc12_3 = fma(s5, b5[3], acc12_3); acc12_3 = fma(s6, b6[3], acc12_3); acc12_3 = fma(s7, b7[3], acc12_3);
    }
    {
      let s0 = vec4f(quadSwapDiagonal(a0.y)); let s1 = vec4f(quadSwapDiagonal(a1.y));
      let s2 = vec4f(quadSwapDiagonal(a2.y)); let s3 = vec4f(quadSwapDiagonal(a3.y));
      let s4 = vec4f(quadSwapDiagonal(a4.y)); let s5 = vec4f(quadSwapDiagonal(a5.y));
      let s6 = vec4f(quadSwapDiagonal(a6.y)); let s7 = vec4f(quadSwapDiagonal(a7.y));
      acc13_0 = fma(s0, b0[0], acc13_0); acc13_0 = fma(s1, b1[0], acc13_0); acc13_0 = fma(s2, b2[0], acc13_0); acc13_0 = fma(s3, b3[0], acc13_0);
      acc13_0 = fma(s4, b4[0], acc13_0); acc13_0 = fma(s5, b5[0], acc13_0); acc13_0 = fma(s6, b6[0], acc13_0); acc13_0 = fma(s7, b7[0], acc13_0);
      acc13_1 = fma(s0, b0[1], acc13_1); acc13_1 = fma(s1, b1[1], acc13_1); acc13_1 = fma(s2, b2[1], acc13_1); acc13_1 = fma(s3, b3[1], acc13_1);
      acc13_1 = fma(s4, b4[1], acc13_1); acc13_1 = fma(s5, b5[1], acc13_1); acc13_1 = fma(s6, b6[1], acc13_1); acc13_1 = fma(s7, b7[1], acc13_1);
      acc13_2 = fma(s0, b0[2], acc13_2); acc13_2 = fma(s1, b1[2], acc13_2); acc13_2 = fma(s2, b2[2], acc13_2); acc13_2 = fma(s3, b3[2], acc13_2);
      acc13_2 = fma(s4, b4[2], acc13_2); acc13_2 = fma(s5, b5[2], acc13_2); acc13_2 = fma(s6, b6[2], acc13_2); acc13_2 = fma(s7, b7[2], acc13_2);
      acc13_3 = fma(s0, b0[3], acc13_3); acc13_3 = fma(s1, b1[3], acc13_3); acc13_3 = fma(s2, b2[3], acc13_3); acc13_3 = fma(s3, b3[3], acc13_3);
      acc13_3 = fma(s4, b4[3], acc13_3); acc13_3 = fma(s5, b5[3], acc13_3); acc13_3 = fma(s6, b6[3], acc13_3); acc13_3 = fma(s7, b7[3], acc13_3);
    }
    {
      let s0 = vec4f(quadSwapDiagonal(a0.z)); let s1 = vec4f(quadSwapDiagonal(a1.z));
      let s2 = vec4f(quadSwapDiagonal(a2.z)); let s3 = vec4f(quadSwapDiagonal(a3.z));
      let s4 = vec4f(quadSwapDiagonal(a4.z)); let s5 = vec4f(quadSwapDiagonal(a5.z));
      let s6 = vec4f(quadSwapDiagonal(a6.z)); let s7 = vec4f(quadSwapDiagonal(a7.z));
      acc14_0 = fma(s0, b0[0], acc14_0); acc14_0 = fma(s1, b1[0], acc14_0); acc14_0 = fma(s2, b2[0], acc14_0); acc14_0 = fma(s3, b3[0], acc14_0);
      acc14_0 = fma(s4, b4[0], acc14_0); acc14_0 = fma(s5, b5[0], acc14_0); acc14_0 = fma(s6, b6[0], acc14_0); acc14_0 = fma(s7, b7[0], acc14_0);
      acc14_1 = fma(s0, b0[1], acc14_1); acc14_1 = fma(s1, b1[1], acc14_1); acc14_1 = fma(s2, b2[1], acc14_1); acc14_1 = fma(s3, b3[1], acc14_1);
      acc14_1 = fma(s4, b4[1], acc14_1); acc14_1 = fma(s5, b5[1], acc14_1); acc14_1 = fma(s6, b6[1], acc14_1); acc14_1 = fma(s7, b7[1], acc14_1);
      acc14_2 = fma(s0, b0[2], acc14_2); acc14_2 = fma(s1, b1[2], acc14_2); acc14_2 = fma(s2, b2[2], acc14_2); acc14_2 = fma(s3, b3[2], acc14_2);
      acc14_2 = fma(s4, b4[2], acc14_2); acc14_2 = fma(s5, b5[2], acc14_2); acc14_2 = fma(s6, b6[2], acc14_2); acc14_2 = fma(s7, b7[2], acc14_2);
      acc14_3 = fma(s0, b0[3], acc14_3); acc14_3 = fma(s1, b1[3], acc14_3); acc14_3 = fma(s2, b2[3], acc14_3); acc14_3 = fma(s3, b3[3], acc14_3);
      acc14_3 = fma(s4, b4[3], acc14_3); acc14_3 = fma(s5, b5[3], acc14_3); acc14_3 = fma(s6, b6[3], acc14_3); acc14_3 = fma(s7, b7[3], acc14_3);
    }
    {
      let s0 = vec4f(quadSwapDiagonal(a0.w)); let s1 = vec4f(quadSwapDiagonal(a1.w));
      let s2 = vec4f(quadSwapDiagonal(a2.w)); let s3 = vec4f(quadSwapDiagonal(a3.w));
      let s4 = vec4f(quadSwapDiagonal(a4.w)); let s5 = vec4f(quadSwapDiagonal(a5.w));
      let s6 = vec4f(quadSwapDiagonal(a6.w)); let s7 = vec4f(quadSwapDiagonal(a7.w));
      acc15_0 = fma(s0, b0[0], acc15_0); acc15_0 = fma(s1, b1[0], acc15_0); acc15_0 = fma(s2, b2[0], acc15_0); acc15_0 = fma(s3, b3[0], acc15_0);
      acc15_0 = fma(s4, b4[0], acc15_0); acc15_0 = fma(s5, b5[0], acc15_0); acc15_0 = fma(s6, b6[0], acc15_0); acc15_0 = fma(s7, b7[0], acc15_0);
      acc15_1 = fma(s0, b0[1], acc15_1); acc15_1 = fma(s1, b1[1], acc15_1); acc15_1 = fma(s2, b2[1], acc15_1); acc15_1 = fma(s3, b3[1], acc15_1);
      acc15_1 = fma(s4, b4[1], acc15_1); acc15_1 = fma(s5, b5[1], acc15_1); acc15_1 = fma(s6, b6[1], acc15_1); acc15_1 = fma(s7, b7[1], acc15_1);
      acc15_2 = fma(s0, b0[2], acc15_2); acc15_2 = fma(s1, b1[2], acc15_2); acc15_2 = fma(s2, b2[2], acc15_2); acc15_2 = fma(s3, b3[2], acc15_2);
      acc15_2 = fma(s4, b4[2], acc15_2); acc15_2 = fma(s5, b5[2], acc15_2); acc15_2 = fma(s6, b6[2], acc15_2); acc15_2 = fma(s7, b7[2], acc15_2);
      acc15_3 = fma(s0, b0[3], acc15_3); acc15_3 = fma(s1, b1[3], acc15_3); acc15_3 = fma(s2, b2[3], acc15_3); acc15_3 = fma(s3, b3[3], acc15_3);
      acc15_3 = fma(s4, b4[3], acc15_3); acc15_3 = fma(s5, b5[3], acc15_3); acc15_3 = fma(s6, b6[3], acc15_3); acc15_3 = fma(s7, b7[3], acc15_3);
    }
  }
  if (partialK) {
    for (var k = unrolledEnd; k < params.depth; k++) {
      let b0 = loadB(k, ops); let a0 = loadA(k, ops);
      {
        let s0 = vec4f(a0.x);
        acc0_0 = fma(s0, b0[0], acc0_0);
        acc0_1 = fma(s0, b0[1], acc0_1);
        acc0_2 = fma(s0, b0[2], acc0_2);
        acc0_3 = fma(s0, b0[3], acc0_3);
      }
      {
        let s0 = vec4f(a0.y);
        acc1_0 = fma(s0, b0[0], acc1_0);
        acc1_1 = fma(s0, b0[1], acc1_1);
        acc1_2 = fma(s0, b0[2], acc1_2);
        acc1_3 = fma(s0, b0[3], acc1_3);
      }
      {
        let s0 = vec4f(a0.z);
        acc2_0 = fma(s0, b0[0], acc2_0);
        acc2_1 = fma(s0, b0[1], acc2_1);
        acc2_2 = fma(s0, b0[2], acc2_2);
        acc2_3 = fma(s0, b0[3], acc2_3);
      }
      {
        let s0 = vec4f(a0.w);
        acc3_0 = fma(s0, b0[0], acc3_0);
        acc3_1 = fma(s0, b0[1], acc3_1);
        acc3_2 = fma(s0, b0[2], acc3_2);
        acc3_3 = fma(s0, b0[3], acc3_3);
      }
      {
        let s0 = vec4f(quadSwapX(a0.x));
        acc4_0 = fma(s0, b0[0], acc4_0);
        acc4_1 = fma(s0, b0[1], acc4_1);
        acc4_2 = fma(s0, b0[2], acc4_2);
        acc4_3 = fma(s0, b0[3], acc4_3);
      }
      {
        let s0 = vec4f(quadSwapX(a0.y));
        acc5_0 = fma(s0, b0[0], acc5_0);
        acc5_1 = fma(s0, b0[1], acc5_1);
        acc5_2 = fma(s0, b0[2], acc5_2);
        acc5_3 = fma(s0, b0[3], acc5_3);
      }
      {
        let s0 = vec4f(quadSwapX(a0.z));
        acc6_0 = fma(s0, b0[0], acc6_0);
        acc6_1 = fma(s0, b0[1], acc6_1);
        acc6_2 = fma(s0, b0[2], acc6_2);
        acc6_3 = fma(s0, b0[3], acc6_3);
      }
      {
        let s0 = vec4f(quadSwapX(a0.w));
        acc7_0 = fma(s0, b0[0], acc7_0);
        acc7_1 = fma(s0, b0[1], acc7_1);
        acc7_2 = fma(s0, b0[2], acc7_2);
        acc7_3 = fma(s0, b0[3], acc7_3);
      }
      {
        let s0 = vec4f(quadSwapY(a0.x));
        acc8_0 = fma(s0, b0[0], acc8_0);
        acc8_1 = fma(s0, b0[1], acc8_1);
        acc8_2 = fma(s0, b0[2], acc8_2);
        acc8_3 = fma(s0, b0[3], acc8_3);
      }
      {
        let s0 = vec4f(quadSwapY(a0.y));
        acc9_0 = fma(s0, b0[0], acc9_0);
        acc9_1 = fma(s0, b0[1], acc9_1);
        acc9_2 = fma(s0, b0[2], acc9_2);
        acc9_3 = fma(s0, b0[3], acc9_3);
      }
      {
        let s0 = vec4f(quadSwapY(a0.z));
        acc10_0 = fma(s0, b0[0], acc10_0);
        acc10_1 = fma(s0, b0[1], acc10_1);
        acc10_2 = fma(s0, b0[2], acc10_2);
        acc10_3 = fma(s0, b0[3], acc10_3);
      }
      {
        let s0 = vec4f(quadSwapY(a0.w));
        acc11_0 = fma(s0, b0[0], acc11_0);
        acc11_1 = fma(s0, b0[1], acc11_1);
        acc11_2 = fma(s0, b0[2], acc11_2);
        acc11_3 = fma(s0, b0[3], acc11_3);
      }
      {
        let s0 = vec4f(quadSwapDiagonal(a0.x));
        acc12_0 = fma(s0, b0[0], acc12_0);
        acc12_1 = fma(s0, b0[1], acc12_1);
        acc12_2 = fma(s0, b0[2], acc12_2);
        acc12_3 = fma(s0, b0[3], acc12_3);
      }
      {
        let s0 = vec4f(quadSwapDiagonal(a0.y));
        acc13_0 = fma(s0, b0[0], acc13_0);
        acc13_1 = fma(s0, b0[1], acc13_1);
        acc13_2 = fma(s0, b0[2], acc13_2);
        acc13_3 = fma(s0, b0[3], acc13_3);
      }
      {
        let s0 = vec4f(quadSwapDiagonal(a0.z));
        acc14_0 = fma(s0, b0[0], acc14_0);
        acc14_1 = fma(s0, b0[1], acc14_1);
        acc14_2 = fma(s0, b0[2], acc14_2);
        acc14_3 = fma(s0, b0[3], acc14_3);
      }
      {
        let s0 = vec4f(quadSwapDiagonal(a0.w));
        acc15_0 = fma(s0, b0[0], acc15_0);
        acc15_1 = fma(s0, b0[1], acc15_1);
        acc15_2 = fma(s0, b0[2], acc15_2);
        acc15_3 = fma(s0, b0[3], acc15_3);
      }
    }
  }
  let acc0 = mat4x4f(acc0_0, acc0_1, acc0_2, acc0_3); let acc1 = mat4x4f(acc1_0, acc1_1, acc1_2, acc1_3);
  let acc2 = mat4x4f(acc2_0, acc2_1, acc2_2, acc2_3); let acc3 = mat4x4f(acc3_0, acc3_1, acc3_2, acc3_3);
  let acc4 = mat4x4f(acc4_0, acc4_1, acc4_2, acc4_3); let acc5 = mat4x4f(acc5_0, acc5_1, acc5_2, acc5_3);
  let acc6 = mat4x4f(acc6_0, acc6_1, acc6_2, acc6_3); let acc7 = mat4x4f(acc7_0, acc7_1, acc7_2, acc7_3);
  let acc8 = mat4x4f(acc8_0, acc8_1, acc8_2, acc8_3); let acc9 = mat4x4f(acc9_0, acc9_1, acc9_2, acc9_3);
  let acc10 = mat4x4f(acc10_0, acc10_1, acc10_2, acc10_3); let acc11 = mat4x4f(acc11_0, acc11_1, acc11_2, acc11_3);
  let acc12 = mat4x4f(acc12_0, acc12_1, acc12_2, acc12_3); let acc13 = mat4x4f(acc13_0, acc13_1, acc13_2, acc13_3);
  let acc14 = mat4x4f(acc14_0, acc14_1, acc14_2, acc14_3); let acc15 = mat4x4f(acc15_0, acc15_1, acc15_2, acc15_3);
  // END accumulation

  if (linear >= tileCount) {
    return;
  }
  let cBase = batch * params.cBatchStride;
  // Accumulator rows 4g .. 4g + 3 are the rows of lane (lane ^ g)'s A values.
  let g0 = row0 + 4u * lane;
  let g1 = row0 + 4u * (lane ^ 1u);
  let g2 = row0 + 4u * (lane ^ 2u);
  let g3 = row0 + 4u * (lane ^ 3u);
  storeRow(cBase, g0, col0, acc0); storeRow(cBase, g0 + 1u, col0, acc1);
  storeRow(cBase, g0 + 2u, col0, acc2); storeRow(cBase, g0 + 3u, col0, acc3);
  storeRow(cBase, g1, col0, acc4); storeRow(cBase, g1 + 1u, col0, acc5);
  storeRow(cBase, g1 + 2u, col0, acc6); storeRow(cBase, g1 + 3u, col0, acc7);
  storeRow(cBase, g2, col0, acc8); storeRow(cBase, g2 + 1u, col0, acc9);
  storeRow(cBase, g2 + 2u, col0, acc10); storeRow(cBase, g2 + 3u, col0, acc11);
  storeRow(cBase, g3, col0, acc12); storeRow(cBase, g3 + 1u, col0, acc13);
  storeRow(cBase, g3 + 2u, col0, acc14); storeRow(cBase, g3 + 3u, col0, acc15);
}

fn storeRow(base: u32, row: u32, col: u32, m: mat4x4f) {
  if (!wholeTiles && row >= params.rows) {
    return;
  }
  storeVec(base, row, col, m[0]);
  storeVec(base, row, col + 4u, m[1]);
  storeVec(base, row, col + 8u, m[2]);
  storeVec(base, row, col + 12u, m[3]);
}

// Bias and activation on four outputs at once (one code path per vec4, not per element).
fn storeVec(base: u32, row: u32, col: u32, v: vec4f) {
  if (!wholeTiles && col >= params.cols) {
    return;
  }
  var z = v;
  if (hasBias) {
    let at = row * params.biasRowStride + min(vec4u(col) + vec4u(0u, 1u, 2u, 3u), vec4u(params.cols - 1u)) * params.biasColStride;
    z += vec4f(bias[at.x], bias[at.y], bias[at.z], bias[at.w]);
  }
  let y = activate(activation, alpha, z);
  let at = base + row * params.cRowStride + col * params.cColStride;
  if (wholeTiles) {
    c[at] = y.x;
    c[at + 1u] = y.y;
    c[at + 2u] = y.z;
    c[at + 3u] = y.w;
    return;
  }
  c[at] = y.x;
  if (col + 1u < params.cols) { c[at + params.cColStride] = y.y; }
  if (col + 2u < params.cols) { c[at + 2u * params.cColStride] = y.z; }
  if (col + 3u < params.cols) { c[at + 3u * params.cColStride] = y.w; }
}
