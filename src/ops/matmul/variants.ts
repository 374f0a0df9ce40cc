/**
 * The GEMM variants (kernels.ts, and swiftshader.ts for the software adapter's) that matmul, dense
 * and denseBackward share, the rule per adapter profile and shape, and their tuning.
 */
import type { GpuRuntime } from '../../gpu/runtime.js';
import { gemmTuning } from '../../autotune/ops.js';
import { defineVariants, variantSet, type OpVariants } from '../definition.js';
import { PLAIN_GEMM, rowMajorGemm, tiled32, tiled64, type GemmBuffers, type GemmFusion, type GemmLayout } from './kernels.js';
import { fewerTilesTransposed, hasLanesOfFour, lanes, lanesTexture, lanesTransposed, texturesFit, worthPacking } from './swiftshader.js';

const VARIANTS = /* @__PURE__ */ variantSet('GEMM', [lanesTexture, lanes, lanesTransposed, tiled64, tiled32]);

/**
 * The default rule; docs/kernels.md has the measurements behind it. On SwiftShader the lanes kernel
 * reading packed textures where they fit and the product is large enough to pay for packing
 * them (31-44% faster than its storage loads), else reading the buffers, in whichever
 * orientation runs fewer 16 x 64 tiles (its cost per tile is the same both ways).
 */
export function chooseGemmVariant(gpu: GpuRuntime, layout: GemmLayout): string {
  if (gpu.profile === 'swiftshader' && hasLanesOfFour(gpu)) {
    if (texturesFit(gpu, layout) && worthPacking(layout)) return lanesTexture.name;
    return fewerTilesTransposed(layout) ? lanesTransposed.name : lanes.name;
  }
  // Measured on an H200 (Dawn on Vulkan): 64 x 64 tiles as fast or faster from 128^3 to 2048^3
  // and at the dense-layer shapes; 32 x 32 tiles faster at 4096^3 (4096 tiles of 64 x 64).
  const tiles64 = Math.ceil(layout.rows / 64) * Math.ceil(layout.cols / 64) * layout.batches;
  return tiles64 >= 4096 ? tiled32.name : tiled64.name;
}

/** Whether `variant` reads a derivative-scaled operand through its loads (GemmVariant.fusesDerivative). */
export function gemmFusesDerivative(variant: string): boolean {
  return VARIANTS.named(variant).fusesDerivative;
}

/** Records one GEMM into `buffers.out` with the given variant. Nothing is recorded for an empty output. */
export function recordGemm(gpu: GpuRuntime, op: string, variant: string, layout: GemmLayout, buffers: GemmBuffers, fusion: GemmFusion): void {
  if (layout.rows * layout.cols * layout.batches === 0) return;
  VARIANTS.named(variant).record(gpu, op, layout, buffers, fusion);
}

const GEMM_TUNING = /* @__PURE__ */ gemmTuning(rowMajorGemm, (gpu, variant, layout, buffers) => recordGemm(gpu, 'autotune', variant, layout, buffers, PLAIN_GEMM));

/** The GEMM variants of `op`: matmul's, and dense's and denseBackward's (pinned separately, tuned as matmul). */
/* @__NO_SIDE_EFFECTS__ */
export function gemmVariants(op: string): OpVariants<GemmLayout> {
  return defineVariants<GemmLayout>({ op, names: VARIANTS.names, usable: VARIANTS.usable, rule: chooseGemmVariant, tuning: GEMM_TUNING });
}

export const matmulVariants = /* @__PURE__ */ gemmVariants('matmul');
