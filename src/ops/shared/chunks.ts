/**
 * Splitting work into byte ranges that fit one storage binding. A context on a caller's device
 * keeps that device's limits (128 MiB per binding by default, while buffers may reach the
 * buffer-size limit), so ops whose tensors outgrow a binding bind aligned sub-ranges and dispatch
 * once per range.
 */
import { SizeLimitError } from '../../errors.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import { subRange, type Binding, type BufferBinding } from '../../gpu/recorder.js';

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** [outer, length, inner] view of a tensor around the axis an op reduces along. */
export interface LineLayout {
  outer: number;
  length: number;
  inner: number;
}

export interface Chunk {
  first: number;
  count: number;
}

/**
 * Splits `items` items (batch rows' blocks or single Jacobian rows) into ranges that each fit a
 * storage binding and start at an aligned offset in every buffer, where an item takes
 * `itemBytes` bytes (one size, or one per buffer bound by item); null if one aligned step of
 * items is already too large. A single range covering everything is bound whole.
 */
export function planChunks(items: number, itemBytes: number | readonly number[], maxBinding: number, alignment: number): Chunk[] | null {
  const sizes = typeof itemBytes === 'number' ? [itemBytes] : itemBytes;
  const largest = Math.max(...sizes);
  if (items * largest <= maxBinding) return [{ first: 0, count: items }];
  // The smallest step of items that keeps every buffer's offset aligned (each step divides the
  // alignment, so the largest of them is a multiple of the others).
  const unit = Math.max(...sizes.map((bytes) => alignment / gcd(bytes % alignment, alignment)));
  // Room for the input's alignment slack too (its range is at most the output's plus one step).
  const capacity = maxBinding - alignment;
  const perChunk = Math.floor(Math.floor(capacity / largest) / unit) * unit;
  if (perChunk <= 0) return null;
  const chunks: Chunk[] = [];
  for (let first = 0; first < items; first += perChunk) chunks.push({ first, count: Math.min(perChunk, items - first) });
  return chunks;
}

/** planChunks against the device's binding limit and offset alignment. */
export function planBindingChunks(gpu: GpuRuntime, items: number, itemBytes: number | readonly number[]): Chunk[] | null {
  return planChunks(items, itemBytes, gpu.limits.maxStorageBufferBindingSize, gpu.limits.minStorageBufferOffsetAlignment);
}

/**
 * Items `chunk` of `binding` (`itemBytes` each, counted from the binding's start: a tensor's range
 * starts at an aligned offset, so its chunks do too), or all of it when the plan is one range
 * (`whole`).
 */
export function chunkRange(binding: BufferBinding, chunk: Chunk, itemBytes: number, whole: boolean): BufferBinding {
  return whole ? binding : subRange(binding, chunk.first * itemBytes, chunk.count * itemBytes);
}

/**
 * Records `record` once per range of whole outer items of a [outer, length, inner] layout, every
 * buffer bound as the same aligned sub-range; with one range the bindings are used as given.
 * Throws a SizeLimitError when a single aligned step of items does not fit a binding.
 */
export function forEachLineChunk(
  gpu: GpuRuntime,
  op: string,
  buffers: readonly BufferBinding[],
  layout: LineLayout,
  record: (bindings: Binding[], chunk: LineLayout) => void,
): void {
  const itemBytes = layout.length * layout.inner * 4;
  const maxBinding = gpu.limits.maxStorageBufferBindingSize;
  const chunks = planBindingChunks(gpu, layout.outer, itemBytes);
  if (!chunks) {
    throw new SizeLimitError(
      op,
      `one slice of ${layout.length * layout.inner} elements (${itemBytes} bytes) along the reduced axis does not fit the device's maxStorageBufferBindingSize of ${maxBinding} bytes`,
    );
  }
  for (const chunk of chunks) {
    const bindings = buffers.map((buffer) => chunkRange(buffer, chunk, itemBytes, chunks.length === 1));
    record(bindings, { ...layout, outer: chunk.count });
  }
}
