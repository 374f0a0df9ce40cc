/**
 * The `rows-split` variant of the row-wise ops (softmax, logSoftmax, softmaxVjp, logSoftmaxVjp;
 * softmaxCrossEntropy runs its own three passes with these segments, crossentropy/swiftshader.ts):
 * the one-invocation-per-row kernels leave SwiftShader's two cores of 4-lane SIMD groups mostly
 * idle below 8 rows, so each row is cut into segments. Pass 1 writes one partial per (row,
 * segment): softmax statistics (max, normalizer, +Inf count, flags) for softmax and logSoftmax,
 * a partial sum for the VJPs. Pass 2 merges the row's partials, in the same order in every
 * invocation of the row, and writes its segment. Row lengths a multiple of 4, last axis only.
 */
import type { KernelSpec } from '../../gpu/kernel.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { Binding } from '../../gpu/recorder.js';
import { dispatchPerLine, splitRows, type RowParts } from './per-line.js';

/** An op's two passes and the bytes of one partial. */
export interface RowSplitKernels {
  /** Bindings: the op's inputs, the partials. */
  stats: KernelSpec;
  /** Bindings: the op's inputs, the partials, the output. */
  write: KernelSpec;
  partialBytes: number;
}

/** [outer, length, inner] view of a tensor around the op's axis. */
interface Layout {
  outer: number;
  length: number;
  inner: number;
}

/**
 * Segments of a row: 1 (rows-vec4 does as well) from 8 rows on, which already fill SwiftShader's
 * two cores; below that, enough segments of at least 64 vec4s for 32 invocations (timings:
 * bench/HISTORY.md, "Softmax of a few long rows: rows-split").
 */
export function rowSegments(rows: number, vecsPerRow: number): RowParts {
  return splitRows(rows, vecsPerRow, 8, 32, 64);
}

/** Only where it splits: with one segment it is rows-vec4 in two passes. */
export function rowSplitUsable(layout: Layout): boolean {
  return layout.inner === 1 && layout.length % 4 === 0 && rowSegments(layout.outer, layout.length / 4).parts > 1;
}

/** The split kernels' parameters (row_split_segment.wgsl): rows, vec4s per row, segments, vec4s per segment, scale. */
export function rowSplitParams(rows: number, vecsPerRow: number, parts: RowParts, scale = 1): Uint8Array {
  const buffer = new ArrayBuffer(20);
  new Uint32Array(buffer, 0, 4).set([rows, vecsPerRow, parts.parts, parts.partLength]);
  new Float32Array(buffer, 16, 1)[0] = scale;
  return new Uint8Array(buffer);
}

/** Records both passes over `inputs` into `output` (bindings of the layout's size). */
export function dispatchRowSplit(gpu: GpuRuntime, op: string, kernels: RowSplitKernels, inputs: readonly Binding[], output: Binding, layout: Layout): void {
  const { outer, length } = layout;
  const vecs = length / 4;
  const segments = rowSegments(outer, vecs);
  const invocations = outer * segments.parts;
  const partials = gpu.allocate(op, invocations * kernels.partialBytes, 'row partials');
  const params = rowSplitParams(outer, vecs, segments);
  dispatchPerLine(gpu, op, kernels.stats, {}, [...inputs, partials], params, invocations);
  dispatchPerLine(gpu, op, kernels.write, {}, [...inputs, partials, output], params, invocations);
  gpu.pool.release(partials);
}
