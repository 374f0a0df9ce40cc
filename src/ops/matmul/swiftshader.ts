/**
 * The GEMM's SwiftShader-only variants, picked only by the `swiftshader` profile
 * (shaders/swiftshader/matmul_lanes.wgsl and the packing kernels): subgroup-blocked registers, no
 * shared memory, 16 x 64 output tiles per subgroup of 4.
 * - `lanes`: output rows along the GEMM's rows;
 * - `lanes-transposed`: the same kernel computing the transposed product (out^T = B^T A^T), which
 *   wastes less of its tiles when there are few rows;
 * - `lanes-texture`: the same kernel reading A and B from textures packed first (gemm_pack.wgsl),
 *   in whichever orientation runs fewer tiles, where the textures fit maxTextureDimension2D.
 * All three need subgroups of exactly 4.
 */
import lanesWgsl from '../../../shaders/swiftshader/matmul_lanes.wgsl?raw';
import packWgsl from '../../../shaders/swiftshader/gemm_pack.wgsl?raw';
import packVec4Wgsl from '../../../shaders/swiftshader/gemm_pack_vec4.wgsl?raw';
import type { KernelSpec } from '../../gpu/kernel.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { Binding, BufferBinding } from '../../gpu/recorder.js';
import { ACTIVATION_PART, GEMM_OPERANDS_BUFFER, GEMM_OPERANDS_TEXTURE, GEMM_PACK_LAYOUT, withParts } from '../shared/wgsl-parts.js';
import { dispatchGemm, finishOverrides, type GemmBuffers, type GemmFusion, type GemmLayout, type GemmVariant } from './kernels.js';

// Bindings: a, b, bias, out (a and b as textures for lanes-texture).
const LANES: KernelSpec = { name: 'matmul_lanes', code: withParts(lanesWgsl, GEMM_OPERANDS_BUFFER, ACTIVATION_PART), bindings: ['read', 'read', 'read', 'write'], features: ['subgroups'] };
const LANES_TEXTURE: KernelSpec = {
  name: 'matmul_lanes_texture',
  code: withParts(lanesWgsl, GEMM_OPERANDS_TEXTURE, ACTIVATION_PART),
  bindings: ['texture', 'texture', 'read', 'write'],
  features: ['subgroups'],
  sampler: true,
};
const PACK: KernelSpec = { name: 'gemm_pack', code: withParts(packWgsl, GEMM_PACK_LAYOUT), bindings: ['read', 'storage-texture'] };
const PACK_VEC4: KernelSpec = { name: 'gemm_pack_vec4', code: withParts(packVec4Wgsl, GEMM_PACK_LAYOUT), bindings: ['read', 'storage-texture'] };

/** The same product computed transposed: out^T [cols, rows] = B^T A^T, written in place of out. */
function transposed(layout: GemmLayout, buffers: GemmBuffers): [GemmLayout, GemmBuffers] {
  return [transposedLayout(layout), { a: buffers.b, b: buffers.a, bias: buffers.bias, out: buffers.out }];
}

function transposedLayout(layout: GemmLayout): GemmLayout {
  return {
    rows: layout.cols,
    cols: layout.rows,
    depth: layout.depth,
    batches: layout.batches,
    aRowStride: layout.bColStride,
    aDepthStride: layout.bDepthStride,
    aBatchStride: layout.bBatchStride,
    bDepthStride: layout.aDepthStride,
    bColStride: layout.aRowStride,
    bBatchStride: layout.aBatchStride,
    cRowStride: layout.cColStride,
    cColStride: layout.cRowStride,
    cBatchStride: layout.cBatchStride,
    biasRowStride: layout.biasColStride,
    biasColStride: layout.biasRowStride,
  };
}

export function hasLanesOfFour(gpu: GpuRuntime): boolean {
  const { subgroupMinSize, subgroupMaxSize } = gpu.info;
  return gpu.hasFeature('subgroups') && subgroupMinSize === 4 && subgroupMaxSize === 4;
}

/** 16 x 64 output tiles of the product as laid out, and of its transpose. */
function tileCounts(layout: GemmLayout): { direct: number; flipped: number } {
  return {
    direct: Math.ceil(layout.rows / 16) * Math.ceil(layout.cols / 64),
    flipped: Math.ceil(layout.cols / 16) * Math.ceil(layout.rows / 64),
  };
}

/** Whether the lanes kernel runs fewer 16 x 64 tiles computing the transposed product. */
export function fewerTilesTransposed(layout: GemmLayout): boolean {
  const { direct, flipped } = tileCounts(layout);
  return flipped < direct;
}

/** The textures of lanes-texture (after orientation): width and height of A's and of B's. */
function operandTextures(layout: GemmLayout): { a: [number, number]; b: [number, number] } {
  const depth = Math.max(1, layout.depth);
  const aLayers = layout.aBatchStride === 0 ? 1 : layout.batches;
  const bLayers = layout.bBatchStride === 0 ? 1 : layout.batches;
  return { a: [depth, Math.ceil(layout.rows / 4) * aLayers], b: [Math.ceil(layout.cols / 4), depth * bLayers] };
}

export function texturesFit(gpu: GpuRuntime, layout: GemmLayout): boolean {
  const oriented = fewerTilesTransposed(layout) ? transposedLayout(layout) : layout;
  const { a, b } = operandTextures(oriented);
  return Math.max(...a, ...b) <= gpu.limits.maxTextureDimension2D;
}

/**
 * Below this many steps of k over all 16 x 64 tiles (in the orientation that runs fewer), packing
 * the textures (two more dispatches) costs more than their cheaper loads save (the measurements:
 * docs/swiftshader.md, The GEMM).
 */
const TEXTURE_MIN_TILE_STEPS = 1024;

/** Whether lanes-texture's packing pays for itself (TEXTURE_MIN_TILE_STEPS). */
export function worthPacking(layout: GemmLayout): boolean {
  const { direct, flipped } = tileCounts(layout);
  return Math.min(direct, flipped) * layout.batches * layout.depth >= TEXTURE_MIN_TILE_STEPS;
}

/** The lanes kernel's tiles of `layout`, and the overrides it takes for them. */
function lanesSetup(layout: GemmLayout, fusion: GemmFusion): { tiles: { rows: number; cols: number }; overrides: Record<string, number> } {
  if (fusion.aDerivative !== 'linear' || fusion.bDerivative !== 'linear') {
    throw new Error('the lanes GEMM kernels read operands as stored (see GemmVariant.fusesDerivative)');
  }
  // Every tile inside the output, rows contiguous: stores without bounds tests.
  const wholeTiles = layout.rows % 16 === 0 && layout.cols % 64 === 0 && layout.cColStride === 1 ? 1 : 0;
  // Steps of k past the unrolled loop's multiples of 8 (the kernel leaves their loop out otherwise).
  const partialK = layout.depth % 8 === 0 ? 0 : 1;
  return { tiles: { rows: Math.ceil(layout.rows / 16), cols: Math.ceil(layout.cols / 64) }, overrides: { ...finishOverrides(fusion), wholeTiles, partialK } };
}

function recordLanes(gpu: GpuRuntime, op: string, layout: GemmLayout, buffers: GemmBuffers, fusion: GemmFusion): void {
  const { tiles, overrides } = lanesSetup(layout, fusion);
  // An unused bias is bound to `a` (read-only aliasing is allowed; the kernel never reads it).
  dispatchGemm(gpu, op, gpu.kernel(LANES, overrides), [buffers.a, buffers.b, buffers.bias ?? buffers.a, buffers.out], layout, tiles);
}

export const lanes: GemmVariant = {
  name: 'lanes',
  fusesDerivative: false,
  usable: (gpu) => hasLanesOfFour(gpu),
  record: recordLanes,
};

export const lanesTransposed: GemmVariant = {
  name: 'lanes-transposed',
  fusesDerivative: false,
  usable: (gpu) => hasLanesOfFour(gpu),
  record(gpu, op, layout, buffers, fusion) {
    recordLanes(gpu, op, ...transposed(layout, buffers), fusion);
  },
};

export const lanesTexture: GemmVariant = {
  name: 'lanes-texture',
  fusesDerivative: false,
  usable: (gpu, layout) => hasLanesOfFour(gpu) && texturesFit(gpu, layout),
  record(gpu, op, layout, buffers, fusion) {
    if (fewerTilesTransposed(layout)) [layout, buffers] = transposed(layout, buffers);
    const { tiles, overrides } = lanesSetup(layout, fusion);
    const packed = packOperands(gpu, op, layout, buffers);
    const kernel = gpu.kernel(LANES_TEXTURE, { ...overrides, aLinear: packed.aLinear ? 1 : 0 });
    dispatchGemm(gpu, op, kernel, [{ texture: packed.a }, { texture: packed.b }, buffers.bias ?? buffers.a, buffers.out], layout, tiles, packed.layerRows);
    gpu.pool.releaseTexture(packed.a);
    gpu.pool.releaseTexture(packed.b);
  },
};

/**
 * Packs A and B into the textures gemm_operands_texture.wgsl reads (gemm_pack.wgsl): A as 4-row
 * groups by step of k, B as 4-column groups by step of k, batch entries stacked. Either is
 * copied instead where its memory already holds those texels in order (copiesALinear, then
 * `aLinear`; copiesAsTexture).
 */
function packOperands(gpu: GpuRuntime, op: string, layout: GemmLayout, buffers: GemmBuffers): { a: GPUTexture; b: GPUTexture; layerRows: number[]; aLinear: boolean } {
  const { a: aSize, b: bSize } = operandTextures(layout);
  const aLayers = layout.aBatchStride === 0 ? 1 : layout.batches;
  const bLayers = layout.bBatchStride === 0 ? 1 : layout.batches;
  const bLayerRows = bSize[1] / bLayers;
  const b = gpu.pool.acquireTexture(bSize[0], bSize[1], `${op} B texture`);
  // With K = 0 the kernel reads neither texture (its k loop runs exactly to depth): nothing to fill.
  const filled = layout.depth > 0;
  const aLinear = filled && copiesALinear(layout, buffers.a);
  let a: GPUTexture;
  let aRows: number;
  if (aLinear) {
    const texelsPerLayer = layout.depth * (layout.rows / 4);
    a = copyLinear(gpu, op, buffers.a as BufferBinding, texelsPerLayer * aLayers);
    aRows = texelsPerLayer;
  } else {
    aRows = aSize[1] / aLayers;
    a = gpu.pool.acquireTexture(aSize[0], aSize[1], `${op} A texture`);
    if (filled) pack(gpu, op, buffers.a, a, aSize, true, [aSize[0], aRows, aLayers, layout.rows, layout.aRowStride, layout.aDepthStride, layout.aBatchStride]);
  }
  if (filled) {
    if (copiesAsTexture(layout, buffers.b)) gpu.copyToTexture(op, buffers.b as BufferBinding, layout.cols * 4, b, bSize[0], bSize[1]);
    else pack(gpu, op, buffers.b, b, bSize, false, [bSize[0], bLayerRows, bLayers, layout.cols, layout.bColStride, layout.bDepthStride, layout.bBatchStride]);
  }
  return { a, b, layerRows: [aLayers > 1 ? aRows : 0, bLayers > 1 ? bLayerRows : 0], aLinear };
}

/**
 * Whether A's texels lie in its memory one after another, in the order (k, then 4-row group) of
 * aLinear (gemm_operands_texture.wgsl): rows contiguous and a multiple of 4, each step of k right
 * after the last, batch entries back to back. That is the x^T of a row-major x (a dense layer's
 * dw = x^T dz), which would otherwise take a packing kernel every training step (0.7 ms of a
 * 784 x 128 x 256 product where the copy takes a few hundredths; bench/HISTORY.md).
 */
function copiesALinear(layout: GemmLayout, a: Binding): boolean {
  const contiguous = layout.aRowStride === 1 && layout.aDepthStride === layout.rows && layout.rows % 4 === 0;
  const stacked = layout.aBatchStride === 0 || layout.batches === 1 || layout.aBatchStride === layout.depth * layout.rows;
  const aligned = !('offset' in a) || a.offset % 16 === 0;
  return !('texture' in a) && contiguous && stacked && aligned;
}

/**
 * Texels a row of a copied A's texture (gemm_operands_texture.wgsl's LINEAR_SHIFT): the least
 * maxTextureDimension2D, so rows of this width hold any operand whose packed texture would fit.
 */
const LINEAR_WIDTH = 8192;

/** Copies `texels` texels from the start of `src` into rows of LINEAR_WIDTH, a last partial row on its own. */
function copyLinear(gpu: GpuRuntime, op: string, src: BufferBinding, texels: number): GPUTexture {
  const full = Math.floor(texels / LINEAR_WIDTH);
  const rest = texels - full * LINEAR_WIDTH;
  const texture = gpu.pool.acquireTexture(LINEAR_WIDTH, full + (rest > 0 ? 1 : 0), `${op} A texture`);
  if (full > 0) gpu.copyToTexture(op, src, LINEAR_WIDTH * 16, texture, LINEAR_WIDTH, full);
  if (rest > 0) gpu.copyToTexture(op, src, LINEAR_WIDTH * 16, texture, rest, 1, full * LINEAR_WIDTH * 16, full);
  return texture;
}

/**
 * Records the packing of one operand into its texture. `fields` are gemm_pack.wgsl's parameters:
 * texture width, rows per batch entry, batch entries, lines, and the line, depth and batch
 * strides. Operands whose entries come in aligned runs of 4 along the lines or along k take the
 * vec4 kernel (gemm_pack_vec4.wgsl: 2.2x faster on a [4096, 784] A), the rest the scalar one.
 */
function pack(gpu: GpuRuntime, op: string, src: Binding, dst: GPUTexture, size: [number, number], groupsAlongRows: boolean, fields: number[]): void {
  const workgroupSize = 64;
  const [width, layerRows, layers, lines, lineStride, depthStride, batchStride] = fields;
  const depth = groupsAlongRows ? width : layerRows;
  const aligned = (!('offset' in src) || src.offset % 16 === 0) && lines % 4 === 0 && (layers === 1 || batchStride % 4 === 0);
  const alongLines = aligned && lineStride === 1 && depthStride % 4 === 0;
  const alongK = aligned && depthStride === 1 && lineStride % 4 === 0 && depth % 4 === 0;
  if (!alongLines && !alongK) {
    const kernel = gpu.kernel(PACK, { workgroupSize, groupsAlongRows: groupsAlongRows ? 1 : 0 });
    gpu.dispatch(op, kernel, [src, { texture: dst }], new Uint32Array(fields), Math.ceil((size[0] * size[1]) / workgroupSize));
    return;
  }
  const kernel = gpu.kernel(PACK_VEC4, { workgroupSize, groupsAlongRows: groupsAlongRows ? 1 : 0, alongK: alongK ? 1 : 0 });
  const invocations = (size[0] * size[1]) / (alongK ? 4 : 1);
  gpu.dispatch(op, kernel, [src, { texture: dst }], new Uint32Array(fields), Math.ceil(invocations / workgroupSize));
}

/**
 * Whether B's texture is B's memory as it stands, so that a buffer-to-texture copy (a memcpy on
 * SwiftShader) can stand in for the packing kernel: B row-major with its batch entries back to
 * back, and rows of a multiple of 64 columns (texture copies take rows of a multiple of 256
 * bytes). A texel (c, k) is then B[k][4c .. 4c + 3], exactly what gemm_pack.wgsl would write.
 * The packing kernel reads each entry through its strides for 2.8 ms of a 784 x 256 weight matrix
 * where the copy takes a few hundredths (bench/HISTORY.md).
 */
function copiesAsTexture(layout: GemmLayout, b: Binding): boolean {
  const rowMajor = layout.bColStride === 1 && layout.bDepthStride === layout.cols;
  const stacked = layout.bBatchStride === 0 || layout.batches === 1 || layout.bBatchStride === layout.depth * layout.cols;
  const aligned = !('offset' in b) || b.offset % 16 === 0;
  return !('texture' in b) && layout.cols % 64 === 0 && rowMajor && stacked && aligned;
}
