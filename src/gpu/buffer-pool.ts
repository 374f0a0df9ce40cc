/**
 * Reuses storage buffers by size. A buffer released while commands that use it are still being
 * recorded is held back until that command buffer is submitted: after submission, WebGPU's queue
 * order makes any later use (writeBuffer, a new dispatch) safe. Beyond `capacityBytes` of idle
 * buffers, released ones are destroyed.
 */
import { BUFFER_COPY_DST, BUFFER_COPY_SRC, BUFFER_STORAGE } from './flags.js';

/** Storage buffers are allocated in multiples of 16 bytes so vec4 bindings always fit. */
export function storageSize(bytes: number): number {
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

export class BufferPool {
  private readonly idle = new Map<number, GPUBuffer[]>();
  private heldBack: GPUBuffer[] = [];
  private idleBytes = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly capacityBytes: number,
  ) {}

  acquire(bytes: number, label: string): GPUBuffer {
    const size = storageSize(bytes);
    const list = this.idle.get(size);
    const reused = list?.pop();
    if (reused) {
      this.idleBytes -= size;
      return reused;
    }
    return this.device.createBuffer({
      label,
      size,
      usage: BUFFER_STORAGE | BUFFER_COPY_SRC | BUFFER_COPY_DST,
    });
  }

  /** Returns a buffer to the pool once the commands recorded so far are submitted. */
  release(buffer: GPUBuffer): void {
    this.heldBack.push(buffer);
  }

  /** Called by the recorder right after a submit. */
  submitted(): void {
    const ready = this.heldBack;
    this.heldBack = [];
    for (const buffer of ready) {
      if (this.idleBytes + buffer.size > this.capacityBytes) {
        buffer.destroy();
        continue;
      }
      let list = this.idle.get(buffer.size);
      if (!list) this.idle.set(buffer.size, (list = []));
      list.push(buffer);
      this.idleBytes += buffer.size;
    }
  }

  get pooledBytes(): number {
    return this.idleBytes;
  }

  /** Destroys every idle buffer (held-back ones too: only call when nothing more is submitted). */
  destroyAll(): void {
    for (const list of this.idle.values()) for (const b of list) b.destroy();
    for (const b of this.heldBack) b.destroy();
    this.idle.clear();
    this.heldBack = [];
    this.idleBytes = 0;
  }
}
