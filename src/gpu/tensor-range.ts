/**
 * Where a tensor's elements lie on the GPU: its buffer from its storage's byte offset on. Every
 * dispatch, copy and readback of a tensor goes through tensorRange, so that a tensor over part of
 * an app's buffer (`ctx.fromGpuBuffer` with an offset) is addressed like any other.
 */
import { wholeVec4s, type BufferRange } from './recorder.js';
import type { Tensor } from '../tensor.js';

/**
 * The tensor's bytes from its offset, in whole vec4s (wholeVec4s). For the library's own
 * buffers, which the pool pads to 16 bytes, that is the whole buffer.
 */
export function tensorRange(t: Tensor): BufferRange {
  const { buffer, offset } = t.storage!;
  return wholeVec4s({ buffer: buffer!, offset, size: t.byteLength });
}
