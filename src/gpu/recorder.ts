/**
 * Records dispatches into one command encoder (one compute pass while only dispatches follow each
 * other) and submits when asked, when the parameter arena is full, or when enough dispatches are
 * pending that the GPU should start. Kernel parameters go into a CPU-side arena that is uploaded
 * with a single writeBuffer right before the submit (queue order makes it visible to exactly that
 * command buffer); each dispatch binds its slot with a dynamic offset. Identical parameter blocks
 * within one command buffer share a slot, so a training loop that repeats the same steps uses a
 * handful of slots however many steps it records.
 */
import { BUFFER_COPY_DST, BUFFER_MAP_READ, BUFFER_UNIFORM, MAP_MODE_READ } from './flags.js';
import type { BufferPool } from './buffer-pool.js';
import type { CompiledKernel } from './kernel.js';
import type { Grid } from './grid.js';

const ARENA_SLOTS = 4096;
/** Submit after this many dispatches so that long recordings overlap with execution. */
const DISPATCHES_PER_SUBMIT = 2048;

/** `size` bytes of a buffer from byte `offset` on. */
export interface BufferRange {
  buffer: GPUBuffer;
  offset: number;
  size: number;
}
/** A whole buffer or a byte range of one. */
export type BufferBinding = GPUBuffer | BufferRange;

/** One part of a readback: the first `bytes` of `source`. */
export interface ReadPart {
  source: BufferBinding;
  bytes: number;
}
/** A buffer binding, or a texture (bound through a view). */
export type Binding = BufferBinding | { texture: GPUTexture };

export class Recorder {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private readonly arena: GPUBuffer;
  private readonly staging: ArrayBuffer;
  private readonly stagingBytes: Uint8Array;
  private readonly slotBytes: number;
  private slotsUsed = 0;
  private readonly slotByKey = new Map<string, number>();
  private dispatches = 0;
  /** Names of the ops recorded into the open command buffer, for error messages. */
  readonly pendingOps = new Set<string>();
  /** Readback buffers of reads in flight: counted by `ctx.memory()`, destroyed by `destroy()`. */
  private readonly readbacks = new Set<GPUBuffer>();

  constructor(
    private readonly device: GPUDevice,
    private readonly pool: BufferPool,
    private readonly onSubmit: (ops: string[], submit: () => void) => void,
  ) {
    this.slotBytes = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
    this.staging = new ArrayBuffer(this.slotBytes * ARENA_SLOTS);
    this.stagingBytes = new Uint8Array(this.staging);
    this.arena = device.createBuffer({
      label: 'webgpu-nn params',
      size: this.staging.byteLength,
      usage: BUFFER_UNIFORM | BUFFER_COPY_DST,
    });
  }

  private ensurePass(): GPUComputePassEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder({ label: 'webgpu-nn' });
    if (!this.pass) {
      this.pass = this.encoder.beginComputePass({ label: 'webgpu-nn' });
    }
    return this.pass;
  }

  private ensureEncoderOutsidePass(): GPUCommandEncoder {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    if (!this.encoder) this.encoder = this.device.createCommandEncoder({ label: 'webgpu-nn' });
    return this.encoder;
  }

  private nearestSampler: GPUSampler | null = null;

  /** The nearest-texel sampler of kernels with `sampler` (clamped to the edge, no filtering). */
  private nearest(): GPUSampler {
    this.nearestSampler ??= this.device.createSampler({ label: 'webgpu-nn nearest texel' });
    return this.nearestSampler;
  }

  private paramSlot(params: ArrayBufferView): number {
    const bytes = new Uint8Array(params.buffer, params.byteOffset, params.byteLength);
    if (bytes.byteLength > this.slotBytes) throw new Error(`kernel parameters of ${bytes.byteLength} bytes exceed a slot`);
    const key = bytes.join(',');
    const known = this.slotByKey.get(key);
    if (known !== undefined) return known;
    if (this.slotsUsed === ARENA_SLOTS) this.submit();
    const offset = this.slotsUsed++ * this.slotBytes;
    this.stagingBytes.set(bytes, offset);
    this.slotByKey.set(key, offset);
    return offset;
  }

  /** Records one dispatch of `kernel` over `grid` workgroups. */
  dispatch(op: string, kernel: CompiledKernel, bindings: readonly Binding[], params: ArrayBufferView, grid: Grid): void {
    const offset = this.paramSlot(params);
    const entries: GPUBindGroupEntry[] = bindings.map((b, binding) => ({
      binding,
      resource: 'texture' in b ? b.texture.createView() : 'offset' in b ? b : { buffer: b },
    }));
    entries.push({ binding: bindings.length, resource: { buffer: this.arena, offset: 0, size: this.slotBytes } });
    if (kernel.spec.sampler) entries.push({ binding: bindings.length + 1, resource: this.nearest() });
    const group = this.device.createBindGroup({ label: kernel.label, layout: kernel.layout, entries });
    const pass = this.ensurePass();
    pass.setPipeline(kernel.pipeline);
    pass.setBindGroup(0, group, [offset]);
    pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    this.pendingOps.add(op);
    if (++this.dispatches >= DISPATCHES_PER_SUBMIT) this.submit();
  }

  copy(op: string, src: GPUBuffer, srcOffset: number, dst: GPUBuffer, dstOffset: number, bytes: number): void {
    this.ensureEncoderOutsidePass().copyBufferToBuffer(src, srcOffset, dst, dstOffset, bytes);
    this.pendingOps.add(op);
  }

  /**
   * Copies `height` rows of `bytesPerRow` bytes (a multiple of 256), starting at `offset` of
   * `src`, into the width x height texels of `dst` from row `dstRow` on, at its left edge.
   */
  copyToTexture(op: string, src: GPUBuffer, offset: number, bytesPerRow: number, dst: GPUTexture, width: number, height: number, dstRow = 0): void {
    this.ensureEncoderOutsidePass().copyBufferToTexture({ buffer: src, offset, bytesPerRow, rowsPerImage: height }, { texture: dst, origin: [0, dstRow] }, [width, height]);
    this.pendingOps.add(op);
  }

  /**
   * Records `fn`'s commands (dispatches and copies) between two empty compute passes, the first
   * writing its start timestamp into slot 0 of `querySet` and the last its end timestamp into
   * slot 1, resolved into `resolveBuffer`. Benchmarks use it for device time. Empty passes, because
   * a timestamp can only be written at a pass's start or end and `fn` may open several passes.
   */
  timed(querySet: GPUQuerySet, resolveBuffer: GPUBuffer, fn: () => void): void {
    this.submit();
    const encoder = this.ensureEncoderOutsidePass();
    encoder.beginComputePass({ label: 'webgpu-nn timing start', timestampWrites: { querySet, beginningOfPassWriteIndex: 0 } }).end();
    fn();
    this.ensureEncoderOutsidePass().beginComputePass({ label: 'webgpu-nn timing end', timestampWrites: { querySet, endOfPassWriteIndex: 1 } }).end();
    this.ensureEncoderOutsidePass().resolveQuerySet(querySet, 0, 2, resolveBuffer, 0);
  }

  /** Submits the open command buffer, if any. Does not wait. */
  submit(): void {
    const encoder = this.encoder;
    if (!encoder) {
      // Nothing recorded uses the buffers released since the last submit: pool them now.
      this.pool.submitted();
      return;
    }
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
    const ops = [...this.pendingOps];
    const used = this.slotsUsed * this.slotBytes;
    this.encoder = null;
    this.slotsUsed = 0;
    this.slotByKey.clear();
    this.dispatches = 0;
    this.pendingOps.clear();
    this.onSubmit(ops, () => {
      if (used > 0) this.device.queue.writeBuffer(this.arena, 0, this.staging, 0, used);
      this.device.queue.submit([encoder.finish()]);
    });
    this.pool.submitted();
  }

  /**
   * Copies the first `bytes` of each part's `source` to the host once all recorded work is done,
   * through one staging buffer and one mapping: reads wanted together (a training group's
   * records, weights and optimizer state) cost one round trip, not one each.
   */
  async readBuffers(op: string, parts: readonly ReadPart[]): Promise<ArrayBuffer[]> {
    // Each part is copied in whole words from a multiple of 4 bytes, as copyBufferToBuffer requires.
    const copied = parts.map((part) => Math.ceil(part.bytes / 4) * 4);
    const starts: number[] = [];
    let size = 0;
    for (const bytes of copied) {
      starts.push(size);
      size += bytes;
    }
    const staging = this.device.createBuffer({ label: `${op} readback`, size: Math.max(4, size), usage: BUFFER_MAP_READ | BUFFER_COPY_DST });
    this.readbacks.add(staging);
    try {
      parts.forEach((part, i) => {
        const [buffer, offset] = bufferAndOffset(part.source);
        if (copied[i] > 0) this.copy(op, buffer, offset, staging, starts[i], copied[i]);
      });
      this.submit();
      await staging.mapAsync(MAP_MODE_READ);
      const mapped = staging.getMappedRange(0, Math.max(4, size));
      return parts.map((part, i) => mapped.slice(starts[i], starts[i] + part.bytes));
    } finally {
      this.readbacks.delete(staging);
      staging.destroy();
    }
  }

  /** Bytes of the readback buffers of reads in flight. */
  get readbackBytes(): number {
    let bytes = 0;
    for (const b of this.readbacks) bytes += b.size;
    return bytes;
  }

  /** Destroys the parameter arena and the readback buffers of reads in flight (they reject). */
  destroy(): void {
    for (const b of this.readbacks) b.destroy();
    this.readbacks.clear();
    this.arena.destroy();
  }
}

/** The buffer of a binding and where the binding starts in it. */
export function bufferAndOffset(binding: BufferBinding): [GPUBuffer, number] {
  return 'offset' in binding ? [binding.buffer, binding.offset] : [binding, 0];
}

/** `size` bytes of `binding` from `offset` bytes into it (a sub-range a dispatch or copy addresses). */
export function subRange(binding: BufferBinding, offset: number, size: number): BufferRange {
  const [buffer, start] = bufferAndOffset(binding);
  return { buffer, offset: start + offset, size };
}

/**
 * `range` grown to whole vec4s (at least one) where its buffer has room: vec4 kernels load and
 * store the last vec4 whole, ignoring the entries past the end. The library's buffers are padded
 * so (buffer-pool.ts); an app's buffer may end sooner, and then the range ends with it.
 */
export function wholeVec4s(range: BufferRange): BufferRange {
  return { ...range, size: Math.min(Math.max(16, Math.ceil(range.size / 16) * 16), range.buffer.size - range.offset) };
}
