/**
 * What the autotuner knows about each tunable op: how to read a problem from `autotune`'s shape
 * argument, its bucket, its candidates (usable variants, the fixed rule's first), a reduced probe
 * problem, and how to record one run of a variant on scratch buffers.
 *
 * To make another op tunable, add a `TunableOp` to TUNABLE_OPS and call `ctx.tunedVariant(op,
 * problem)` in the op before its fixed rule (see src/ops/softmax.ts).
 */
import { normalizeAxis, splitAtAxis, checkShape } from '../shape';
import type { GpuRuntime } from '../gpu/runtime';
import {
  SOFTMAX_VARIANTS,
  chooseSoftmaxVariant,
  recordSoftmax,
  softmaxVariantUsable,
  type LineLayout,
} from '../kernels/softmax';
import { bucketKey, pow2Bucket } from './bucket';

/** Scratch inputs and outputs of one problem (from the context's pool); `record` records one run of a variant. */
export interface PreparedProblem {
  record(variant: string): void;
  buffers: GPUBuffer[];
}

export interface TunableOp<P> {
  op: string;
  /** The problem of `autotune(op, shape, { axis })`; throws typed errors on bad arguments. */
  problem(shape: readonly number[], axis: number | undefined): P;
  bucket(problem: P): string;
  /** The usable variants, the fixed rule's choice first. */
  candidates(gpu: GpuRuntime, problem: P): string[];
  usable(gpu: GpuRuntime, variant: string, problem: P): boolean;
  /**
   * Problems of growing size that behave alike, smallest first, the last being `problem` itself,
   * each with its size ratio full / level (see select.ts).
   */
  ladder(problem: P): { problem: P; scale: number }[];
  prepare(gpu: GpuRuntime, problem: P): PreparedProblem;
}

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

const SOFTMAX_TUNING: TunableOp<LineLayout> = {
  op: 'softmax',
  problem(shape, axis = -1) {
    checkShape('autotune', 'shape', shape);
    return splitAtAxis(shape, normalizeAxis('autotune', axis, shape.length));
  },
  bucket(l) {
    return bucketKey('softmax', {
      rows: pow2Bucket(l.outer * (l.inner === 1 ? 1 : l.inner)),
      length: pow2Bucket(l.length),
      vec4: l.length % 4 === 0,
      contiguous: l.inner === 1,
    });
  },
  candidates(gpu, l) {
    const rule = chooseSoftmaxVariant(gpu, l);
    return [rule, ...SOFTMAX_VARIANTS.filter((v) => v !== rule && softmaxVariantUsable(gpu, v, l))];
  },
  usable: softmaxVariantUsable,
  ladder(l) {
    const rowElements = Math.max(1, l.length * l.inner);
    const rows = LADDER_ELEMENTS.map((cap) => Math.max(1, Math.min(l.outer, Math.floor(cap / rowElements))));
    const distinct = [...new Set([...rows, l.outer])];
    return distinct.map((outer) => ({ problem: { ...l, outer }, scale: l.outer / outer }));
  },
  prepare(gpu, l) {
    const elements = l.outer * l.length * l.inner;
    const x = gpu.upload('autotune', scratchValues(elements));
    const y = gpu.allocate('autotune', elements * 4, 'scratch output');
    return { record: (variant) => recordSoftmax(gpu, 'autotune', variant, x, y, l), buffers: [x, y] };
  },
};

export const TUNABLE_OPS: ReadonlyMap<string, TunableOp<unknown>> = new Map<string, TunableOp<unknown>>([
  ['softmax', SOFTMAX_TUNING],
]);
