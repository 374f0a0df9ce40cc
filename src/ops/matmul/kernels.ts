/**
 * GEMM kernels for every adapter (shaders/matmul_tiled.wgsl), the dense-layer helper kernels, and
 * what every GEMM variant shares. The SwiftShader-only lanes family is in swiftshader.ts, the rule
 * in variants.ts; docs/kernels.md has the measurements behind them.
 *
 * One GEMM is described by a `GemmLayout`: output [batches, rows, cols] = A [rows, depth] x
 * B [depth, cols], every operand addressed through element strides. Transposes, shared operands
 * (batch stride 0) and transposed outputs are strides, so nothing is ever copied to reorder it.
 */
import tiledWgsl from '../../../shaders/matmul_tiled.wgsl?raw';
import biasGradWgsl from '../../../shaders/dense_bias_grad.wgsl?raw';
import addIntoWgsl from '../../../shaders/add_into.wgsl?raw';
import type { CompiledKernel, KernelSpec } from '../../gpu/kernel.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { Binding } from '../../gpu/recorder.js';
import { ACTIVATION_PART, withParts } from '../shared/wgsl-parts.js';
import { dispatchPerLine } from '../shared/per-line.js';
import { activationOverrides, type PointwiseActivation } from '../dense/activation.js';
import { LEAKY_RELU_ALPHA } from '../../linalg.js';
import type { Variant } from '../definition.js';

// Bindings: a, aAux, b, bAux, bias, out.
const TILED: KernelSpec = { name: 'matmul_tiled', code: withParts(tiledWgsl, ACTIVATION_PART), bindings: ['read', 'read', 'read', 'read', 'read', 'write'] };
const BIAS_GRAD: KernelSpec = { name: 'dense_bias_grad', code: withParts(biasGradWgsl, ACTIVATION_PART), bindings: ['read', 'read', 'write'] };
const ADD_INTO: KernelSpec = { name: 'add_into', code: withParts(addIntoWgsl), bindings: ['read', 'write'] };

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

/**
 * A GEMM variant records one non-empty product into `buffers.out`. `fusesDerivative`: whether it
 * reads a derivative-scaled operand through its loads (fusion) or needs it written by one
 * element-wise pass beforehand. The lanes kernels re-load each operand value once per output tile
 * with a per-lane gather, so fusing would double their most expensive work (docs/swiftshader.md);
 * the tiled kernels stage operands through workgroup memory with coalesced loads, where fusion
 * saves the pass.
 */
export interface GemmVariant extends Variant<GemmLayout, [layout: GemmLayout, buffers: GemmBuffers, fusion: GemmFusion]> {
  readonly fusesDerivative: boolean;
}

/** The overrides of the output stage every GEMM kernel shares: the activation and the bias. */
export function finishOverrides(fusion: GemmFusion): Record<string, number> {
  return { ...activationOverrides({ activation: fusion.activation }, fusion.alpha ?? LEAKY_RELU_ALPHA), hasBias: fusion.bias ? 1 : 0 };
}

/**
 * Dispatches a GEMM kernel over `tiles` output tiles per batch entry, one workgroup each.
 * `layerRows`: texture rows per batch entry of A and of B (lanes-texture; 0 where shared or unused).
 */
export function dispatchGemm(gpu: GpuRuntime, op: string, kernel: CompiledKernel, bindings: Binding[], layout: GemmLayout, tiles: { rows: number; cols: number }, layerRows = [0, 0]): void {
  const params = new Uint32Array([
    layout.rows, layout.cols, layout.depth, layout.batches,
    layout.aRowStride, layout.aDepthStride, layout.aBatchStride,
    layout.bDepthStride, layout.bColStride, layout.bBatchStride,
    layout.cRowStride, layout.cColStride, layout.cBatchStride,
    layout.biasRowStride, layout.biasColStride,
    tiles.rows, tiles.cols, ...layerRows,
  ]);
  gpu.dispatch(op, kernel, bindings, params, tiles.rows * tiles.cols * layout.batches);
}

/** Shared-memory tiling with `tileSize` x `tileSize` output tiles per workgroup: the GPU choice. */
/* @__NO_SIDE_EFFECTS__ */
function tiled(tileSize: number): GemmVariant {
  return {
    name: `tiled-${tileSize}`,
    fusesDerivative: true,
    usable: () => true,
    record(gpu, op, layout, buffers, fusion) {
      const codes = activationOverrides({ activation: fusion.activation, aDerivative: fusion.aDerivative, bDerivative: fusion.bDerivative }, fusion.alpha ?? LEAKY_RELU_ALPHA);
      const kernel = gpu.kernel(TILED, { ...finishOverrides(fusion), ...codes, tileSize });
      // Unused inputs are bound to `a` or `b` (read-only aliasing is allowed; the kernel never reads them).
      const bindings = [buffers.a, buffers.aAux ?? buffers.a, buffers.b, buffers.bAux ?? buffers.b, buffers.bias ?? buffers.a, buffers.out];
      dispatchGemm(gpu, op, kernel, bindings, layout, { rows: Math.ceil(layout.rows / tileSize), cols: Math.ceil(layout.cols / tileSize) });
    },
  };
}

export const tiled64 = /* @__PURE__ */ tiled(64);
export const tiled32 = /* @__PURE__ */ tiled(32);

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
