/**
 * Tensors over an app's own GPU buffers (`ctx.fromGpuBuffer`), without copies. What can be
 * checked at once is (usage, alignment, size) with an ArgumentError naming what is missing; what
 * only the device can see (a buffer of another device, a destroyed one) is a validation error of
 * a bind group created here, inside `fromGpuBuffer`'s error scope, so that it reaches the caller
 * as a GPUOperationError naming fromGpuBuffer at the next read or flush.
 */
import { ArgumentError } from './errors.js';
import { BUFFER_STORAGE, SHADER_STAGE_COMPUTE } from './gpu/flags.js';
import type { GpuRuntime } from './gpu/runtime.js';
import { checkOptions } from './options.js';
import { checkShape, describe, formatShape, type Shape } from './shape.js';
import type { DType } from './tensor.js';

export interface FromGpuBufferOptions {
  /** `'float32'` (default) or `'int32'`. */
  dtype?: DType;
  /**
   * Byte offset of the first element in `buffer` (default 0): a multiple of the device's
   * `minStorageBufferOffsetAlignment` (256 on most devices), as WebGPU requires of storage
   * bindings, so that one buffer can hold several tensors.
   */
  offset?: number;
  /** `true`: the tensor destroys the buffer when it is destroyed. Default false: the app keeps it. */
  own?: boolean;
}

const OPTIONS = { known: ['dtype', 'offset', 'own'] };
const op = 'fromGpuBuffer';

/** Checks the arguments of fromGpuBuffer; returns the shape, dtype, byte offset and ownership. */
export function checkGpuBuffer(gpu: GpuRuntime | null, buffer: unknown, shape: unknown, options: unknown): { shape: Shape; dtype: DType; offset: number; own: boolean } {
  if (!gpu) throw new ArgumentError(op, 'needs the webgpu backend; this context runs on the cpu backend (ctx.backend)');
  const b = buffer as GPUBuffer;
  if (typeof buffer !== 'object' || buffer === null || typeof b.size !== 'number' || typeof b.usage !== 'number' || typeof b.destroy !== 'function') {
    throw new ArgumentError(op, `buffer must be a GPUBuffer, got ${describe(buffer)}`);
  }
  const size = checkShape(op, 'shape', shape);
  const o = checkOptions(op, options, OPTIONS);
  const dtype = o.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'int32') throw new ArgumentError(op, `options.dtype must be 'float32' or 'int32', got ${describe(dtype)}`);
  const own = o.own ?? false;
  if (typeof own !== 'boolean') throw new ArgumentError(op, `options.own must be true or false, got ${describe(own)}`);
  const offset = o.offset ?? 0;
  const alignment = gpu.limits.minStorageBufferOffsetAlignment;
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0 || offset % alignment !== 0) {
    throw new ArgumentError(op, `options.offset must be a non-negative multiple of ${alignment} bytes (the device's minStorageBufferOffsetAlignment, which storage bindings need), got ${describe(offset)}`);
  }
  if ((b.usage & BUFFER_STORAGE) === 0) {
    throw new ArgumentError(op, `buffer "${b.label}" lacks STORAGE in its usage (${b.usage}); create it with GPUBufferUsage.STORAGE so kernels can bind it`);
  }
  const bytes = size * 4;
  if (offset + bytes > b.size) {
    const needs = offset === 0 ? `the ${bytes}` : `options.offset ${offset} plus the ${bytes} bytes`;
    throw new ArgumentError(op, `buffer "${b.label}" holds ${b.size} bytes, less than ${needs} that shape ${formatShape(shape as Shape)} of ${dtype} needs`);
  }
  // Only the device sees whether the buffer is its own and alive: bind the tensor's bytes once
  // (an empty tensor has none, and nothing ever binds it).
  if (bytes > 0) {
    gpu.captured(op, () => {
      const layout = gpu.device.createBindGroupLayout({
        label: op,
        entries: [{ binding: 0, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'read-only-storage' } }],
      });
      gpu.device.createBindGroup({ label: op, layout, entries: [{ binding: 0, resource: { buffer: b, offset, size: bytes } }] });
    });
  }
  return { shape: shape as Shape, dtype, offset, own };
}
