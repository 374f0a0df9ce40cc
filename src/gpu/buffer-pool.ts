/**
 * Reuses storage buffers by size, and the GEMM's operand textures by dimensions. A resource
 * released while commands that use it are still being recorded is held back until that command
 * buffer is submitted: after submission, WebGPU's queue order makes any later use (writeBuffer, a
 * new dispatch) safe. Beyond `capacityBytes` of idle resources, released ones are destroyed.
 */
import { BUFFER_COPY_DST, BUFFER_COPY_SRC, BUFFER_STORAGE, TEXTURE_BINDING, TEXTURE_COPY_DST, TEXTURE_STORAGE_BINDING } from './flags.js';

/** Storage buffers are allocated in multiples of 16 bytes so vec4 bindings always fit. */
export function storageSize(bytes: number): number {
  return Math.max(16, Math.ceil(bytes / 16) * 16);
}

type Pooled = GPUBuffer | GPUTexture;

interface Held {
  resource: Pooled;
  key: string;
  bytes: number;
}

export class BufferPool {
  private readonly idle = new Map<string, Pooled[]>();
  private heldBack: Held[] = [];
  private idleBytes = 0;
  /** Keys and sizes of the textures handed out (a GPUTexture does not tell its byte size). */
  private readonly textures = new WeakMap<GPUTexture, Held>();

  constructor(
    private readonly device: GPUDevice,
    private readonly capacityBytes: number,
  ) {}

  acquire(bytes: number, label: string): GPUBuffer {
    const size = storageSize(bytes);
    const reused = this.reuse(`buffer ${size}`, size) as GPUBuffer | undefined;
    return (
      reused ??
      this.device.createBuffer({
        label,
        size,
        usage: BUFFER_STORAGE | BUFFER_COPY_SRC | BUFFER_COPY_DST,
      })
    );
  }

  /**
   * A width x height rgba32float texture that kernels can write (storage) and read (sampled), and
   * that a buffer can be copied into.
   */
  acquireTexture(width: number, height: number, label: string): GPUTexture {
    const key = `texture ${width}x${height}`;
    const bytes = width * height * 16;
    const texture =
      (this.reuse(key, bytes) as GPUTexture | undefined) ??
      this.device.createTexture({ label, size: [width, height], format: 'rgba32float', usage: TEXTURE_BINDING | TEXTURE_STORAGE_BINDING | TEXTURE_COPY_DST });
    this.textures.set(texture, { resource: texture, key, bytes });
    return texture;
  }

  /** Returns a buffer to the pool once the commands recorded so far are submitted. */
  release(buffer: GPUBuffer): void {
    this.heldBack.push({ resource: buffer, key: `buffer ${buffer.size}`, bytes: buffer.size });
  }

  releaseTexture(texture: GPUTexture): void {
    this.heldBack.push(this.textures.get(texture)!);
  }

  /** Called by the recorder right after a submit. */
  submitted(): void {
    const ready = this.heldBack;
    this.heldBack = [];
    for (const { resource, key, bytes } of ready) {
      if (this.idleBytes + bytes > this.capacityBytes) {
        resource.destroy();
        continue;
      }
      let list = this.idle.get(key);
      if (!list) this.idle.set(key, (list = []));
      list.push(resource);
      this.idleBytes += bytes;
    }
  }

  get pooledBytes(): number {
    return this.idleBytes;
  }

  /** Destroys every idle resource (held-back ones too: only call when nothing more is submitted). */
  destroyAll(): void {
    for (const list of this.idle.values()) for (const r of list) r.destroy();
    for (const h of this.heldBack) h.resource.destroy();
    this.idle.clear();
    this.heldBack = [];
    this.idleBytes = 0;
  }

  private reuse(key: string, bytes: number): Pooled | undefined {
    const reused = this.idle.get(key)?.pop();
    if (reused) this.idleBytes -= bytes;
    return reused;
  }
}
