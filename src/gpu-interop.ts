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
   * Byte offset of the first element in `buffer`. Only 0 for now: tensors address whole buffers.
   */
  offset?: number;
  /** `true`: the tensor destroys the buffer when it is destroyed. Default false: the app keeps it. */
  own?: boolean;
}

const OPTIONS = { known: ['dtype', 'offset', 'own'] };
const op = 'fromGpuBuffer';

/** Checks the arguments of fromGpuBuffer; returns the shape, dtype and ownership. */
export function checkGpuBuffer(gpu: GpuRuntime | null, buffer: unknown, shape: unknown, options: unknown): { shape: Shape; dtype: DType; own: boolean } {
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
  if (offset !== 0) throw new ArgumentError(op, `options.offset must be 0 (tensors address whole buffers for now), got ${describe(offset)}`);
  if ((b.usage & BUFFER_STORAGE) === 0) {
    throw new ArgumentError(op, `buffer "${b.label}" lacks STORAGE in its usage (${b.usage}); create it with GPUBufferUsage.STORAGE so kernels can bind it`);
  }
  if (size * 4 > b.size) {
    throw new ArgumentError(op, `buffer "${b.label}" holds ${b.size} bytes, less than the ${size * 4} that shape ${formatShape(shape as Shape)} of ${dtype} needs`);
  }
  gpu.captured(op, () => {
    const layout = gpu.device.createBindGroupLayout({
      label: op,
      entries: [{ binding: 0, visibility: SHADER_STAGE_COMPUTE, buffer: { type: 'read-only-storage' } }],
    });
    gpu.device.createBindGroup({ label: op, layout, entries: [{ binding: 0, resource: { buffer: b, offset: 0, size: Math.max(4, size * 4) } }] });
  });
  return { shape: shape as Shape, dtype, own };
}
