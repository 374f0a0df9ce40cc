// GEMM for GPUs: out = act(op(A) op(B) + bias), batched, every operand addressed through element
// strides (the parameter block, `activation` and `hasBias` are those of matmul_lanes.wgsl).
// `aDerivative` / `bDerivative` multiply an operand by act'(aux) as it is staged: the backward
// pass of a dense layer reads dz = dy * act'(y) from dy and y without writing dz.
//
// Classic shared-memory tiling: a workgroup of (tileSize/4)^2 invocations owns a tileSize x
// tileSize block of the output; per step of 16 along k it stages a tileSize x 16 panel of A and a
// 16 x tileSize panel of B in workgroup memory (zero-padded past the edges), and every invocation
// accumulates a 4x4 block from it in registers. Global traffic: A is read once per tileSize
// output columns and B once per tileSize rows; each staged value is read 4 times from
// workgroup memory per invocation row/column it feeds. Staging loads walk the operand's
// contiguous dimension across neighbouring invocations so that they coalesce whichever
// transposition the strides describe. An invocation's outputs are spread tileSize/4 apart so that
// neighbours read neighbouring workgroup-memory words and write neighbouring outputs.
//
// Barriers are cheap on GPUs; on SwiftShader they are not (docs/swiftshader.md), which is why that
// profile uses matmul_lanes.wgsl instead.

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
  // Workgroup tiles per batch entry along rows and columns.
  tileRows: u32,
  tileCols: u32,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> aAux: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read> bAux: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> c: array<f32>;
@group(0) @binding(6) var<uniform> params: Params;

// Output tile edge: 64 (16x16 invocations) or 32 (8x8).
override tileSize: u32 = 64;
// Activation codes of parts/activation.wgsl (appended by the host). aDerivative / bDerivative:
// ACT_LINEAR reads the operand as stored, another code reads operand * act'(aux), with act' taken
// from the activation's output. `alpha` is leakyRelu's slope, for whichever of the three uses it.
override aDerivative: u32 = 0;
override bDerivative: u32 = 0;
override activation: u32 = 0;
override alpha: f32 = 0.2;
override hasBias: bool = false;

alias ActValue = f32;

const TILE_DEPTH = 16u;
override spread: u32 = tileSize / 4u;

// panelA[kk * tileSize + r], panelB[kk * tileSize + col].
var<workgroup> panelA: array<f32, tileSize * TILE_DEPTH>;
var<workgroup> panelB: array<f32, tileSize * TILE_DEPTH>;

fn loadA(at: u32) -> f32 {
  if (aDerivative == ACT_LINEAR) {
    return a[at];
  }
  return a[at] * activationSlope(aDerivative, alpha, aAux[at]);
}

fn loadB(at: u32) -> f32 {
  if (bDerivative == ACT_LINEAR) {
    return b[at];
  }
  return b[at] * activationSlope(bDerivative, alpha, bAux[at]);
}

@compute @workgroup_size(spread, spread)
fn main(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u,
        @builtin(local_invocation_id) local: vec3u, @builtin(local_invocation_index) lid: u32) {
  let tilesPerBatch = params.tileRows * params.tileCols;
  let linear = gridIndex(wid, nwg);
  if (linear >= tilesPerBatch * params.batches) {
    return;
  }
  let batch = linear / tilesPerBatch;
  let inBatch = linear % tilesPerBatch;
  let row0 = (inBatch / params.tileCols) * tileSize;
  let col0 = (inBatch % params.tileCols) * tileSize;
  let aBase = batch * params.aBatchStride;
  let bBase = batch * params.bBatchStride;
  let invocations = spread * spread;
  let panelSize = tileSize * TILE_DEPTH;
  // Which panel dimension neighbouring invocations walk while staging: the contiguous one.
  let aAlongDepth = params.aDepthStride == 1u;
  let bAlongDepth = params.bDepthStride == 1u;

  var acc: array<vec4f, 4>;
  for (var k0 = 0u; k0 < params.depth; k0 += TILE_DEPTH) {
    for (var e = lid; e < panelSize; e += invocations) {
      var r: u32;
      var kk: u32;
      if (aAlongDepth) {
        r = e / TILE_DEPTH;
        kk = e % TILE_DEPTH;
      } else {
        r = e % tileSize;
        kk = e / tileSize;
      }
      let row = row0 + r;
      let k = k0 + kk;
      var v = 0.0;
      if (row < params.rows && k < params.depth) {
        v = loadA(aBase + row * params.aRowStride + k * params.aDepthStride);
      }
      panelA[kk * tileSize + r] = v;
    }
    for (var e = lid; e < panelSize; e += invocations) {
      var col: u32;
      var kk: u32;
      if (bAlongDepth) {
        col = e / TILE_DEPTH;
        kk = e % TILE_DEPTH;
      } else {
        col = e % tileSize;
        kk = e / tileSize;
      }
      let k = k0 + kk;
      var v = 0.0;
      if (col0 + col < params.cols && k < params.depth) {
        v = loadB(bBase + k * params.bDepthStride + (col0 + col) * params.bColStride);
      }
      panelB[kk * tileSize + col] = v;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TILE_DEPTH; kk++) {
      let at = kk * tileSize;
      let bv = vec4f(panelB[at + local.x], panelB[at + local.x + spread],
                     panelB[at + local.x + 2u * spread], panelB[at + local.x + 3u * spread]);
      acc[0] = fma(vec4f(panelA[at + local.y]), bv, acc[0]);
      acc[1] = fma(vec4f(panelA[at + local.y + spread]), bv, acc[1]);
      acc[2] = fma(vec4f(panelA[at + local.y + 2u * spread]), bv, acc[2]);
      acc[3] = fma(vec4f(panelA[at + local.y + 3u * spread]), bv, acc[3]);
    }
    workgroupBarrier();
  }

  let cBase = batch * params.cBatchStride;
  for (var i = 0u; i < 4u; i++) {
    let row = row0 + local.y + i * spread;
    if (row >= params.rows) {
      break;
    }
    for (var j = 0u; j < 4u; j++) {
      let col = col0 + local.x + j * spread;
      if (col < params.cols) {
        var z = acc[i][j];
        if (hasBias) {
          z += bias[row * params.biasRowStride + col * params.biasColStride];
        }
        c[cBase + row * params.cRowStride + col * params.cColStride] = activate(activation, alpha, z);
      }
    }
  }
}
