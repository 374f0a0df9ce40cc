/**
 * GEMM kernels (shaders/matmul_*.wgsl), the dense-layer helper kernels, and the rule that picks a
 * GEMM variant per adapter profile and shape. See docs/kernels.md for the measurements behind it.
 *
 * One GEMM is described by a `GemmLayout`: output [batches, rows, cols] = A [rows, depth] x
 * B [depth, cols], every operand addressed through element strides. Transposes, shared operands
 * (batch stride 0) and transposed outputs are strides, so nothing is ever copied to reorder it.
 */
import lanesWgsl from '../../../shaders/swiftshader/matmul_lanes.wgsl?raw';
import tiledWgsl from '../../../shaders/matmul_tiled.wgsl?raw';
import biasGradWgsl from '../../../shaders/dense_bias_grad.wgsl?raw';
import addIntoWgsl from '../../../shaders/add_into.wgsl?raw';
import packWgsl from '../../../shaders/swiftshader/gemm_pack.wgsl?raw';
import packVec4Wgsl from '../../../shaders/swiftshader/gemm_pack_vec4.wgsl?raw';
import type { KernelSpec } from '../../gpu/kernel.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { Binding, BufferBinding } from '../../gpu/recorder.js';
import { ACTIVATION_PART, GEMM_OPERANDS_BUFFER, GEMM_OPERANDS_TEXTURE, GEMM_PACK_LAYOUT, withParts } from '../shared/wgsl-parts.js';
import { dispatchPerLine } from '../shared/per-line.js';
import { activationOverrides, type PointwiseActivation } from '../dense/activation.js';
import { LEAKY_RELU_ALPHA } from '../../linalg.js';

// Bindings: a, b, bias, out (lanes; a and b as textures for lanes-texture); a, aAux, b, bAux,
// bias, out (tiled).
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
const TILED: KernelSpec = { name: 'matmul_tiled', code: withParts(tiledWgsl, ACTIVATION_PART), bindings: ['read', 'read', 'read', 'read', 'read', 'write'] };
const BIAS_GRAD: KernelSpec = { name: 'dense_bias_grad', code: withParts(biasGradWgsl, ACTIVATION_PART), bindings: ['read', 'read', 'write'] };
const ADD_INTO: KernelSpec = { name: 'add_into', code: withParts(addIntoWgsl), bindings: ['read', 'write'] };

/**
 * - `lanes`: subgroup-blocked registers, no shared memory (matmul_lanes.wgsl), output rows along
 *   the GEMM's rows; `lanes-transposed`: the same kernel computing the transposed product
 *   (out^T = B^T A^T), which wastes less of its 16 x 64 tiles when there are few rows;
 *   `lanes-texture`: the same kernel reading A and B from textures packed first
 *   (gemm_pack.wgsl), in whichever orientation runs fewer tiles, where the textures fit
 *   maxTextureDimension2D. All three need subgroups of exactly 4 (SwiftShader).
 * - `tiled-64`, `tiled-32`: shared-memory tiling with 64 x 64 or 32 x 32 output tiles per
 *   workgroup (matmul_tiled.wgsl), the GPU choice.
 */
export const GEMM_VARIANTS = ['lanes-texture', 'lanes', 'lanes-transposed', 'tiled-64', 'tiled-32'] as const;
export type GemmVariant = (typeof GEMM_VARIANTS)[number];

/** Output [batches, rows, cols] = A [rows, depth] x B [depth, cols], all in element strides. */
export interface GemmLayout {
  rows: number;
  cols: number;
  depth: number;
  batches: number;
  aRowStride: number;
  aDepthStride: number;
  aBatchStride: number;
  bDepthStride: number;
  bColStride: number;
  bBatchStride: number;
  cRowStride: number;
  cColStride: number;
  cBatchStride: number;
  /** bias index = row * biasRowStride + col * biasColStride. */
  biasRowStride: number;
  biasColStride: number;
}

/** Options of `rowMajorGemm`. */
export interface RowMajorGemm {
  /** A is stored [k, m] (its transpose is multiplied). */
  transposeA?: boolean;
  /** B is stored [n, k]. */
  transposeB?: boolean;
  batches?: number;
  /** A / B hold one matrix per batch entry (otherwise one matrix serves every entry). */
  aBatched?: boolean;
  bBatched?: boolean;
  /** A bias indexed by output column (a dense layer's). */
  biasPerColumn?: boolean;
}

/**
 * The layout of C [batches, m, n] = op(A) [m, k] x op(B) [k, n] over contiguous row-major
 * buffers: the shape of every product the library's ops record.
 */
export function rowMajorGemm(m: number, k: number, n: number, o: RowMajorGemm = {}): GemmLayout {
  return {
    rows: m,
    cols: n,
    depth: k,
    batches: o.batches ?? 1,
    aRowStride: o.transposeA ? 1 : k,
    aDepthStride: o.transposeA ? m : 1,
    aBatchStride: o.aBatched ? m * k : 0,
    bDepthStride: o.transposeB ? 1 : n,
    bColStride: o.transposeB ? k : 1,
    bBatchStride: o.bBatched ? k * n : 0,
    cRowStride: n,
    cColStride: 1,
    cBatchStride: m * n,
    biasRowStride: 0,
    biasColStride: o.biasPerColumn ? 1 : 0,
  };
}

/** The operands of one GEMM: whole buffers, or byte ranges of them (see planGemmRows). */
export interface GemmBuffers {
  a: Binding;
  /** The activation output y that `aDerivative` reads. */
  aAux?: Binding;
  b: Binding;
  bAux?: Binding;
  bias?: Binding;
  out: Binding;
}

export interface GemmFusion {
  /** Multiply A by act'(aAux) as it is loaded ('linear': A as stored). */
  aDerivative: PointwiseActivation;
  bDerivative: PointwiseActivation;
  bias: boolean;
  activation: PointwiseActivation;
  /** leakyRelu's slope, for whichever of the activations above is leakyRelu (default 0.2). */
  alpha?: number;
}

export const PLAIN_GEMM: GemmFusion = { aDerivative: 'linear', bDerivative: 'linear', bias: false, activation: 'linear' };

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

function hasLanesOfFour(gpu: GpuRuntime): boolean {
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
function fewerTilesTransposed(layout: GemmLayout): boolean {
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

function texturesFit(gpu: GpuRuntime, layout: GemmLayout): boolean {
  const oriented = fewerTilesTransposed(layout) ? transposedLayout(layout) : layout;
  const { a, b } = operandTextures(oriented);
  return Math.max(...a, ...b) <= gpu.limits.maxTextureDimension2D;
}

/** Whether `variant` can run here, and (given a layout) run that product. */
export function gemmVariantUsable(gpu: GpuRuntime, variant: string, layout?: GemmLayout): boolean {
  switch (variant) {
    case 'lanes-texture':
      return hasLanesOfFour(gpu) && (!layout || texturesFit(gpu, layout));
    case 'lanes':
    case 'lanes-transposed':
      return hasLanesOfFour(gpu);
    case 'tiled-64':
    case 'tiled-32':
      return true;
    default:
      return false;
  }
}

/**
 * Below this many steps of k over all 16 x 64 tiles (in the orientation that runs fewer), packing
 * the textures (two more dispatches) costs more than their cheaper loads save (the measurements:
 * docs/swiftshader.md, The GEMM).
 */
const TEXTURE_MIN_TILE_STEPS = 1024;

/** Whether lanes-texture's packing pays for itself (TEXTURE_MIN_TILE_STEPS). */
function worthPacking(layout: GemmLayout): boolean {
  const { direct, flipped } = tileCounts(layout);
  return Math.min(direct, flipped) * layout.batches * layout.depth >= TEXTURE_MIN_TILE_STEPS;
}

/**
 * The default rule; docs/kernels.md has the measurements behind it. On SwiftShader the lanes kernel
 * reading packed textures where they fit and the product is large enough to pay for packing
 * them (31-44% faster than its storage loads), else reading the buffers, in whichever
 * orientation runs fewer 16 x 64 tiles (its cost per tile is the same both ways).
 */
export function chooseGemmVariant(gpu: GpuRuntime, layout: GemmLayout): GemmVariant {
  if (gpu.profile === 'swiftshader' && hasLanesOfFour(gpu)) {
    if (texturesFit(gpu, layout) && worthPacking(layout)) return 'lanes-texture';
    return fewerTilesTransposed(layout) ? 'lanes-transposed' : 'lanes';
  }
  // Measured on an H200 (Dawn on Vulkan): 64 x 64 tiles as fast or faster from 128^3 to 2048^3
  // and at the dense-layer shapes; 32 x 32 tiles faster at 4096^3 (4096 tiles of 64 x 64).
  const tiles64 = Math.ceil(layout.rows / 64) * Math.ceil(layout.cols / 64) * layout.batches;
  return tiles64 >= 4096 ? 'tiled-32' : 'tiled-64';
}

/**
 * Whether a GEMM variant should read a derivative-scaled operand through its loads (fusion) or
 * from a buffer written once beforehand. The lanes kernels re-load each operand value once per
 * output tile with a per-lane gather, so fusing doubles their most expensive work; one
 * element-wise pass is cheaper there (docs/swiftshader.md). The tiled kernels stage operands through
 * workgroup memory with coalesced loads, where fusion saves the pass.
 */
export function gemmFusesDerivative(variant: string): boolean {
  return variant === 'tiled-64' || variant === 'tiled-32';
}

/** Records one GEMM into `buffers.out` with the given variant. Nothing is recorded for an empty output. */
export function recordGemm(gpu: GpuRuntime, op: string, variant: string, layout: GemmLayout, buffers: GemmBuffers, fusion: GemmFusion): void {
  if (layout.rows * layout.cols * layout.batches === 0) return;
  if (variant === 'lanes-transposed' || (variant === 'lanes-texture' && fewerTilesTransposed(layout))) {
    [layout, buffers] = transposed(layout, buffers);
  }
  const alpha = fusion.alpha ?? LEAKY_RELU_ALPHA;
  const finish = { ...activationOverrides({ activation: fusion.activation }, alpha), hasBias: fusion.bias ? 1 : 0 };
  let tileRows: number;
  let tileCols: number;
  let workgroups: number;
  let kernel;
  let bindings: Binding[];
  // Texture rows per batch entry of A and of B (lanes-texture; 0 where shared or unused; texels
  // for a copied A).
  let layerRows = [0, 0];
  const textures: GPUTexture[] = [];
  // Unused inputs are bound to `a` (read-only aliasing is allowed; the kernel never reads them).
  const bias = buffers.bias ?? buffers.a;
  switch (variant) {
    case 'lanes':
    case 'lanes-transposed':
    case 'lanes-texture': {
      if (fusion.aDerivative !== 'linear' || fusion.bDerivative !== 'linear') {
        throw new Error('the lanes GEMM kernels read operands as stored (see gemmFusesDerivative)');
      }
      tileRows = Math.ceil(layout.rows / 16);
      tileCols = Math.ceil(layout.cols / 64);
      // One 16 x 64 tile per workgroup of 4 invocations (one subgroup).
      workgroups = tileRows * tileCols * layout.batches;
      // Every tile inside the output, rows contiguous: stores without bounds tests.
      const wholeTiles = layout.rows % 16 === 0 && layout.cols % 64 === 0 && layout.cColStride === 1 ? 1 : 0;
      // Steps of k past the unrolled loop's multiples of 8 (the kernel leaves their loop out otherwise).
      const partialK = layout.depth % 8 === 0 ? 0 : 1;
      if (variant !== 'lanes-texture') {
        kernel = gpu.kernel(LANES, { ...finish, wholeTiles, partialK });
        bindings = [buffers.a, buffers.b, bias, buffers.out];
        break;
      }
      const packed = packOperands(gpu, op, layout, buffers);
      textures.push(packed.a, packed.b);
      layerRows = packed.layerRows;
      kernel = gpu.kernel(LANES_TEXTURE, { ...finish, wholeTiles, partialK, aLinear: packed.aLinear ? 1 : 0 });
      bindings = [{ texture: packed.a }, { texture: packed.b }, bias, buffers.out];
      break;
    }
    case 'tiled-64':
    case 'tiled-32': {
      const tileSize = variant === 'tiled-64' ? 64 : 32;
      tileRows = Math.ceil(layout.rows / tileSize);
      tileCols = Math.ceil(layout.cols / tileSize);
      workgroups = tileRows * tileCols * layout.batches;
      const codes = activationOverrides({ activation: fusion.activation, aDerivative: fusion.aDerivative, bDerivative: fusion.bDerivative }, alpha);
      kernel = gpu.kernel(TILED, { ...finish, ...codes, tileSize });
      bindings = [buffers.a, buffers.aAux ?? buffers.a, buffers.b, buffers.bAux ?? buffers.b, bias, buffers.out];
      break;
    }
    default:
      throw new Error(`unknown GEMM variant ${variant}`);
  }
  const params = new Uint32Array([
    layout.rows, layout.cols, layout.depth, layout.batches,
    layout.aRowStride, layout.aDepthStride, layout.aBatchStride,
    layout.bDepthStride, layout.bColStride, layout.bBatchStride,
    layout.cRowStride, layout.cColStride, layout.cBatchStride,
    layout.biasRowStride, layout.biasColStride,
    tileRows, tileCols, ...layerRows,
  ]);
  gpu.dispatch(op, kernel, bindings, params, workgroups);
  for (const texture of textures) gpu.pool.releaseTexture(texture);
}

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

/** db[j] = column sums of dy * act'(y) over `rows` rows of `cols` ('linear': of dy itself); `alpha`: leakyRelu's slope. */
export function recordBiasGrad(gpu: GpuRuntime, op: string, dy: Binding, y: Binding, db: Binding, rows: number, cols: number, derivative: PointwiseActivation, alpha = LEAKY_RELU_ALPHA): void {
  if (cols === 0) return;
  dispatchPerLine(gpu, op, BIAS_GRAD, activationOverrides({ derivative }, alpha), [dy, y, db], new Uint32Array([rows, cols]), cols);
}

/** y += x over `count` floats (partial gradients summed across ranges of batch rows). */
export function recordAddInto(gpu: GpuRuntime, op: string, x: Binding, y: Binding, count: number): void {
  if (count === 0) return;
  const workgroupSize = 64;
  const kernel = gpu.kernel(ADD_INTO, { workgroupSize });
  gpu.dispatch(op, kernel, [x, y], new Uint32Array([count]), Math.ceil(count / 4 / workgroupSize));
}
