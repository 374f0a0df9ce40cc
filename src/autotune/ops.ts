/**
 * Building blocks of the op definitions' tunings (OpTuning in src/ops/definition.ts): the
 * problem, bucket, ladder and scratch buffers of ops over lines of a tensor and of GEMMs.
 */
import { normalizeAxis, splitAtAxis, checkShape } from '../shape.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import type { LineLayout } from '../ops/shared/chunks.js';
import type { GemmLayout } from '../ops/matmul/kernels.js';
import type { OpTuning } from '../ops/definition.js';
import { ShapeError } from '../errors.js';
import { bucketKey, pow2Bucket } from './bucket.js';

/**
 * The reduced sizes of the ladder, in elements: tiny (compiles and weeds out hopeless variants for
 * a few ms even on SwiftShader), then mid-sized, then the full problem.
 */
const LADDER_ELEMENTS = [1 << 12, 1 << 18];

/** Fills scratch inputs: uniform values in [-8, 8), cheap to make (speed does not depend on them). */
function scratchValues(length: number): Float32Array {
  const out = new Float32Array(length);
  let state = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 4294967296) * 16 - 8;
  }
  return out;
}

/**
 * The tuning of an op over lines of a tensor ([outer, length, inner] around its axis): softmax and
 * the row-wise derivatives. `inputs` scratch tensors of the problem's size feed `record`.
 */
export function lineTuning(
  op: string,
  inputs: number,
  record: (gpu: GpuRuntime, variant: string, buffers: GPUBuffer[], layout: LineLayout) => void,
): OpTuning<LineLayout> {
  return {
    op,
    problem(shape, axis = -1) {
      checkShape('autotune', 'shape', shape);
      return splitAtAxis(shape, normalizeAxis('autotune', axis, shape.length));
    },
    bucket(l) {
      return bucketKey(op, {
        rows: pow2Bucket(l.outer * (l.inner === 1 ? 1 : l.inner)),
        length: pow2Bucket(l.length),
        vec4: l.length % 4 === 0,
        contiguous: l.inner === 1,
      });
    },
    ladder(l) {
      const rowElements = Math.max(1, l.length * l.inner);
      const rows = LADDER_ELEMENTS.map((cap) => Math.max(1, Math.min(l.outer, Math.floor(cap / rowElements))));
      const distinct = [...new Set([...rows, l.outer])];
      return distinct.map((outer) => ({ problem: { ...l, outer }, scale: l.outer / outer }));
    },
    prepare(gpu, l) {
      const elements = l.outer * l.length * l.inner;
      const values = scratchValues(elements);
      const buffers = [...Array.from({ length: inputs }, () => gpu.upload('autotune', values)), gpu.allocate('autotune', elements * 4, 'scratch output')];
      return { record: (variant) => record(gpu, variant, buffers, l), buffers };
    },
  };
}

/** Elements a strided operand spans: the largest index it addresses, plus one. */
function span(counts: number[], strides: number[]): number {
  return counts.reduce((last, count, i) => last + (count - 1) * strides[i], 0) + 1;
}

/** The smallest problem of the GEMM ladder keeps at least this many rows (a few output tiles). */
const GEMM_MIN_ROWS = 64;
/** GEMM ladder sizes in multiply-adds (rows x cols x depth). */
const GEMM_LADDER_WORK = [1 << 22, 1 << 26];

/**
 * The tuning of the GEMM behind matmul, dense and denseBackward (they look up 'matmul' with their
 * GEMM layouts). `autotune('matmul', [M, K, N])` tunes a plain row-major [M, K] x [K, N] product;
 * the ops' own layouts (transposed operands, batches) have buckets of their own. `rowMajor` makes
 * that layout and `record` records one run of a variant.
 */
export function gemmTuning(
  rowMajor: (m: number, k: number, n: number) => GemmLayout,
  record: (gpu: GpuRuntime, variant: string, layout: GemmLayout, buffers: { a: GPUBuffer; b: GPUBuffer; out: GPUBuffer }) => void,
): OpTuning<GemmLayout> {
  return {
    op: 'matmul',
    problem(shape) {
      checkShape('autotune', 'shape', shape);
      if (shape.length !== 3) throw new ShapeError('autotune', `matmul's shape is [M, K, N], got [${shape.join(', ')}]`);
      const [m, k, n] = shape;
      return rowMajor(m, k, n);
    },
    bucket(l) {
      return bucketKey('matmul', {
        rows: pow2Bucket(l.rows),
        cols: pow2Bucket(l.cols),
        depth: pow2Bucket(l.depth),
        batches: pow2Bucket(l.batches),
        // Which operand dimension is contiguous changes how every variant loads it.
        aRowMajor: l.aDepthStride === 1,
        bRowMajor: l.bColStride === 1,
      });
    },
    ladder(l) {
      const perRow = Math.max(1, l.cols * l.depth * l.batches);
      const rows = GEMM_LADDER_WORK.map((work) => Math.min(l.rows, Math.max(GEMM_MIN_ROWS, Math.floor(work / perRow))));
      return [...new Set([...rows, l.rows])].map((r) => ({ problem: { ...l, rows: r }, scale: l.rows / r }));
    },
    prepare(gpu, l) {
      const a = span([l.batches, l.rows, l.depth], [l.aBatchStride, l.aRowStride, l.aDepthStride]);
      const b = span([l.batches, l.depth, l.cols], [l.bBatchStride, l.bDepthStride, l.bColStride]);
      const c = span([l.batches, l.rows, l.cols], [l.cBatchStride, l.cRowStride, l.cColStride]);
      const buffers = [gpu.upload('autotune', scratchValues(a)), gpu.upload('autotune', scratchValues(b)), gpu.allocate('autotune', c * 4, 'scratch output')];
      const [ba, bb, out] = buffers;
      return { record: (variant) => record(gpu, variant, l, { a: ba, b: bb, out }), buffers };
    },
  };
}
