/**
 * Softmax Jacobian kernels (shaders/jacobian_*.wgsl), one variant object each, and the chunked
 * binding that lets outputs larger than maxStorageBufferBindingSize (up to maxBufferSize) work:
 * the output is bound in byte ranges (offsets aligned to minStorageBufferOffsetAlignment), one
 * dispatch per range, and the input is bound over the batch rows each range needs.
 *
 * From logits (`softmaxJacobian`, the softmax fused in):
 * - `block-vec4` / `block`: the block of a batch row split into ranges of Jacobian rows, one
 *   invocation each, s staged in the range's last output row: every exp computed once per
 *   invocation, no barriers. Fastest on SwiftShader (docs/kernels.md).
 * - `workgroup`: one workgroup per batch row, s in workgroup memory, coalesced writes: for real
 *   GPUs (N limited by workgroup storage).
 * - `rows`: one invocation per Jacobian row recomputing s per entry: any N and any chunking (the
 *   fallback when one batch row's block alone exceeds a binding).
 * From probabilities (`softmaxJacobianFromProbs`):
 * - `block-vec4` / `block`: as above, reading s directly (SwiftShader);
 * - `elements-vec4` / `elements`: one invocation per output vec4 / element, coalesced (real GPUs,
 *   and the fallback for blocks larger than a binding).
 */
import rowsWgsl from '../../../shaders/jacobian_rows.wgsl?raw';
import blockWgsl from '../../../shaders/jacobian_block.wgsl?raw';
import blockVec4Wgsl from '../../../shaders/jacobian_block_vec4.wgsl?raw';
import workgroupWgsl from '../../../shaders/jacobian_workgroup.wgsl?raw';
import { ENTRY_WORKGROUP_ROWS, JACOBIAN, ROW_PASS_LINES, ROW_PASS_VEC4, ROW_PASS_WORKGROUP, ROW_SOFTMAX, withParts } from '../shared/wgsl-parts.js';
import probsWgsl from '../../../shaders/jacobian_probs.wgsl?raw';
import probsVec4Wgsl from '../../../shaders/jacobian_probs_vec4.wgsl?raw';
import type { KernelSpec } from '../../gpu/kernel.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import { subRange, type Binding, type BufferBinding } from '../../gpu/recorder.js';
import { chunkRange, planBindingChunks, type Chunk } from '../shared/chunks.js';
import { splitRows } from '../shared/per-line.js';
import type { Variant } from '../definition.js';

const IO = ['read', 'write'] as const;
const ROWS: KernelSpec = { name: 'jacobian_rows', code: withParts(rowsWgsl, JACOBIAN, ROW_PASS_LINES, ROW_SOFTMAX), bindings: IO };
// The block kernels serve both ops: the override fromLogits picks the source of s.
const BLOCK: KernelSpec = { name: 'jacobian_block', code: withParts(blockWgsl, JACOBIAN, ROW_PASS_LINES, ROW_SOFTMAX), bindings: IO };
const BLOCK_VEC4: KernelSpec = { name: 'jacobian_block_vec4', code: withParts(blockVec4Wgsl, JACOBIAN, ROW_PASS_VEC4, ROW_SOFTMAX), bindings: IO };
const WORKGROUP: KernelSpec = { name: 'jacobian_workgroup', code: withParts(workgroupWgsl, ENTRY_WORKGROUP_ROWS, ROW_PASS_WORKGROUP, ROW_PASS_LINES, ROW_SOFTMAX), bindings: IO };
const PROBS: KernelSpec = { name: 'jacobian_probs', code: withParts(probsWgsl, JACOBIAN), bindings: IO };
const PROBS_VEC4: KernelSpec = { name: 'jacobian_probs_vec4', code: withParts(probsVec4Wgsl, JACOBIAN), bindings: IO };

/** A batch of `rows` softmax rows of length `cols`; the Jacobian is [rows, cols, cols]. */
export interface JacobianLayout {
  rows: number;
  cols: number;
}

/** A Jacobian variant records the Jacobian of `input` (logits or probabilities) into `output`. */
export type JacobianVariant = Variant<JacobianLayout, [input: BufferBinding, output: BufferBinding, layout: JacobianLayout]>;

const WORKGROUP_SIZE = 64;
/** Jacobian-workgroup size; its tree needs 3 words of workgroup memory per invocation. */
const JACOBIAN_WORKGROUP_SIZE = 64;
/** Enough invocations to keep every core of a CPU adapter (and a small GPU) busy. */
const TARGET_INVOCATIONS = 1024;
/** Fewer Jacobian rows per invocation would make the recomputed softmax statistics dominate. */
const MIN_ROWS_PER_PART = 8;

/** Chunks of whole batch rows, or null when one block (times the alignment step) exceeds a binding. */
function blockChunks(gpu: GpuRuntime, layout: JacobianLayout): Chunk[] | null {
  return planBindingChunks(gpu, layout.rows, layout.cols * layout.cols * 4);
}

/** The largest N the workgroup kernel's workgroup memory holds on this device. */
export function workgroupMaxCols(gpu: GpuRuntime): number {
  return Math.floor((gpu.limits.maxComputeWorkgroupStorageSize - 3 * 4 * JACOBIAN_WORKGROUP_SIZE) / 4);
}

/**
 * The input range a chunk reads: batch rows [firstRow, endRow) of `input`, bound from the
 * aligned offset at or below the first one (the input's own start is aligned). `start` is the
 * first row's element offset in it.
 */
function inputRange(input: BufferBinding, firstRow: number, endRow: number, cols: number, alignment: number, whole: boolean): { binding: Binding; start: number } {
  if (whole) return { binding: input, start: firstRow * cols };
  const offset = Math.floor((firstRow * cols * 4) / alignment) * alignment;
  const size = Math.max(4, endRow * cols * 4 - offset);
  return { binding: subRange(input, offset, size), start: firstRow * cols - offset / 4 };
}

function recordBlocks(gpu: GpuRuntime, op: string, vec4: boolean, fromLogits: boolean, input: BufferBinding, output: BufferBinding, layout: JacobianLayout): void {
  const { cols } = layout;
  const alignment = gpu.limits.minStorageBufferOffsetAlignment;
  const itemBytes = cols * cols * 4;
  const chunks = blockChunks(gpu, layout)!;
  const whole = chunks.length === 1;
  const kernel = gpu.kernel(vec4 ? BLOCK_VEC4 : BLOCK, { workgroupSize: WORKGROUP_SIZE, fromLogits: fromLogits ? 1 : 0 });
  const width = vec4 ? 4 : 1;
  for (const chunk of chunks) {
    const x = inputRange(input, chunk.first, chunk.first + chunk.count, cols, alignment, whole);
    // The Jacobian rows of a block, split among invocations.
    const { parts, partLength: rowsPerPart } = splitRows(chunk.count, cols, TARGET_INVOCATIONS, TARGET_INVOCATIONS, MIN_ROWS_PER_PART);
    const params = new Uint32Array([chunk.count, cols / width, x.start / width, parts, rowsPerPart]);
    gpu.dispatch(op, kernel, [x.binding, chunkRange(output, chunk, itemBytes, whole)], params, Math.ceil((chunk.count * parts) / WORKGROUP_SIZE));
  }
}

function recordWorkgroups(gpu: GpuRuntime, op: string, input: BufferBinding, output: BufferBinding, layout: JacobianLayout): void {
  const { cols } = layout;
  const alignment = gpu.limits.minStorageBufferOffsetAlignment;
  const itemBytes = cols * cols * 4;
  const chunks = blockChunks(gpu, layout)!;
  const whole = chunks.length === 1;
  // Workgroup memory sized in powers of two so that a handful of pipelines serve every N.
  const maxCols = Math.min(2 ** Math.ceil(Math.log2(Math.max(cols, 64))), workgroupMaxCols(gpu));
  const kernel = gpu.kernel(WORKGROUP, { workgroupSize: JACOBIAN_WORKGROUP_SIZE, maxCols });
  for (const chunk of chunks) {
    const x = inputRange(input, chunk.first, chunk.first + chunk.count, cols, alignment, whole);
    const params = new Uint32Array([chunk.count, cols, x.start]);
    gpu.dispatch(op, kernel, [x.binding, chunkRange(output, chunk, itemBytes, whole)], params, chunk.count);
  }
}

/** Variants that work in Jacobian rows: `rows` (from logits) and `elements(-vec4)` (from probabilities). */
function recordJacobianRows(gpu: GpuRuntime, op: string, spec: KernelSpec, input: BufferBinding, output: BufferBinding, layout: JacobianLayout): void {
  const { rows, cols } = layout;
  const alignment = gpu.limits.minStorageBufferOffsetAlignment;
  const itemBytes = cols * 4;
  const chunks = planBindingChunks(gpu, rows * cols, itemBytes)!;
  const whole = chunks.length === 1;
  const kernel = gpu.kernel(spec, { workgroupSize: WORKGROUP_SIZE });
  for (const chunk of chunks) {
    const firstBatchRow = Math.floor(chunk.first / cols);
    const endBatchRow = Math.ceil((chunk.first + chunk.count) / cols);
    const x = inputRange(input, firstBatchRow, endBatchRow, cols, alignment, whole);
    const firstRowInBlock = chunk.first % cols;
    const out = chunkRange(output, chunk, itemBytes, whole);
    if (spec === ROWS) {
      const params = new Uint32Array([chunk.count, cols, firstRowInBlock, x.start]);
      gpu.dispatch(op, kernel, [x.binding, out], params, Math.ceil(chunk.count / WORKGROUP_SIZE));
    } else {
      const width = spec === PROBS_VEC4 ? 4 : 1;
      const units = (chunk.count * cols) / width;
      const params = new Uint32Array([units, cols / width, firstRowInBlock, x.start / width]);
      gpu.dispatch(op, kernel, [x.binding, out], params, Math.ceil(units / WORKGROUP_SIZE));
    }
  }
}

/** A block variant: a batch row's block split among invocations (vec4 writes for the vec4 kernels). */
/* @__NO_SIDE_EFFECTS__ */
function blocks(name: string, fromLogits: boolean, vec4: boolean): JacobianVariant {
  return {
    name,
    usable: (gpu, layout) => (!vec4 || layout.cols % 4 === 0) && blockChunks(gpu, layout) !== null,
    record: (gpu, op, input, output, layout) => recordBlocks(gpu, op, vec4, fromLogits, input, output, layout),
  };
}

/** From logits. */
export const blockVec4 = /* @__PURE__ */ blocks('block-vec4', true, true);
export const block = /* @__PURE__ */ blocks('block', true, false);

export const workgroup: JacobianVariant = {
  name: 'workgroup',
  usable: (gpu, layout) => layout.cols <= workgroupMaxCols(gpu) && blockChunks(gpu, layout) !== null,
  record: recordWorkgroups,
};

export const rows: JacobianVariant = {
  name: 'rows',
  usable: () => true,
  record: (gpu, op, input, output, layout) => recordJacobianRows(gpu, op, ROWS, input, output, layout),
};

/** From probabilities: blocks as above, reading s directly. */
export const probsBlockVec4 = /* @__PURE__ */ blocks('block-vec4', false, true);
export const probsBlock = /* @__PURE__ */ blocks('block', false, false);

export const elementsVec4: JacobianVariant = {
  name: 'elements-vec4',
  usable: (_, layout) => layout.cols % 4 === 0,
  record: (gpu, op, input, output, layout) => recordJacobianRows(gpu, op, PROBS_VEC4, input, output, layout),
};

export const elements: JacobianVariant = {
  name: 'elements',
  usable: () => true,
  record: (gpu, op, input, output, layout) => recordJacobianRows(gpu, op, PROBS, input, output, layout),
};
