/**
 * Where a tensor's elements lie on the GPU: its buffer from its storage's byte offset on. Every
 * dispatch, copy and readback of a tensor goes through tensorRange, so that a tensor over part of
 * an app's buffer (`ctx.fromGpuBuffer` with an offset) is addressed like any other.
 */
import { storageSize } from './buffer-pool.js';
import type { BufferRange } from './recorder.js';
import type { Tensor } from '../tensor.js';

/**
 * The tensor's range: from its offset, its bytes rounded up to whole vec4s where the buffer has
 * room, since the vec4 kernels load the last vec4 whole (and ignore the entries past the end).
 * For the library's own buffers, which the pool pads so, that is the whole buffer.
 */
export function tensorRange(t: Tensor): BufferRange {
  const { buffer, offset } = t.storage!;
  return { buffer: buffer!, offset, size: Math.min(storageSize(t.byteLength), buffer!.size - offset) };
}
