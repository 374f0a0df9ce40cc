/**
 * Everything the webgpu backend of a context owns: the device, the buffer pool, the recorder,
 * the error scopes that attribute WebGPU errors to ops, and the device-lost state.
 */
import { ContextDestroyedError, DeviceLostError, GPUOperationError, SizeLimitError } from '../errors.js';
import { BufferPool } from './buffer-pool.js';
import { BUFFER_COPY_SRC, BUFFER_QUERY_RESOLVE } from './flags.js';
import { compileKernel, pipelineCount, type CompiledKernel, type KernelSpec, type Overrides } from './kernel.js';
import { foldGrid } from './grid.js';
import { Recorder, bufferAndOffset, wholeVec4s, type Binding, type BufferBinding, type BufferRange, type ReadPart } from './recorder.js';
import type { AdapterInfo } from './device.js';
import { adapterProfile, type AdapterProfile } from './profile.js';

/** The pool's default cap: a training loop's working set fits, a one-off large op is not pinned. */
export const DEFAULT_POOL_BYTES = 512 * 2 ** 20;

interface PendingError {
  op: string;
  error: Promise<GPUError | null>;
}

export class GpuRuntime {
  readonly pool: BufferPool;
  readonly recorder: Recorder;
  readonly profile: AdapterProfile;
  readonly limits: GPUSupportedLimits;
  /** The pool's cap on idle memory, in bytes. */
  readonly poolCapacity: number;
  /** Set once the device is lost. */
  lostInfo: { reason: string; message: string } | null = null;
  /** Set by destroy(): reads still in flight then reject with ContextDestroyedError. */
  private destroyed = false;
  private pending: PendingError[] = [];
  private scopeDepth = 0;
  private timing: { querySet: GPUQuerySet; resolve: GPUBuffer } | null = null;

  /**
   * `poolBytes`: the most idle buffer and texture memory kept for reuse (default: 512 MiB, or the
   * device's maxBufferSize where that is smaller).
   */
  constructor(
    readonly device: GPUDevice,
    readonly info: AdapterInfo,
    readonly ownsDevice: boolean,
    poolBytes?: number,
  ) {
    this.limits = device.limits;
    this.profile = adapterProfile(info);
    // Idle buffers kept for reuse: enough for a training loop's working set, bounded so that a
    // one-off large op does not pin its memory.
    this.poolCapacity = poolBytes ?? Math.min(DEFAULT_POOL_BYTES, this.limits.maxBufferSize);
    this.pool = new BufferPool(device, this.poolCapacity);
    this.recorder = new Recorder(device, this.pool, (ops, submit) => this.captured(describeBatch(ops), submit));
    device.addEventListener?.('uncapturederror', (event) => {
      const error = (event as GPUUncapturedErrorEvent).error;
      this.pending.push({ op: 'webgpu', error: Promise.resolve(error) });
    });
  }

  hasFeature(name: GPUFeatureName): boolean {
    return this.device.features.has(name);
  }

  /** Throws DeviceLostError if the device is gone. */
  checkAlive(op: string): void {
    if (this.lostInfo) throw new DeviceLostError(op, this.lostInfo.reason, this.lostInfo.message);
  }

  /**
   * Runs `fn` (which records GPU work for `op`) inside validation and out-of-memory error scopes;
   * what they catch rejects the next read() or flush() with the op's name. Nested ops share the
   * outermost scope.
   */
  captured<T>(op: string, fn: () => T): T {
    if (this.scopeDepth > 0) return fn();
    this.device.pushErrorScope('out-of-memory');
    this.device.pushErrorScope('validation');
    this.scopeDepth++;
    try {
      return fn();
    } finally {
      this.scopeDepth--;
      this.pending.push({ op, error: this.device.popErrorScope() });
      this.pending.push({ op, error: this.device.popErrorScope() });
    }
  }

  /** Rejects with the first WebGPU error captured since the last check. */
  async checkErrors(): Promise<void> {
    const pending = this.pending;
    this.pending = [];
    const errors = await Promise.all(pending.map((p) => p.error.catch((e: unknown) => e as GPUError)));
    for (let i = 0; i < errors.length; i++) {
      const error = errors[i];
      if (!error) continue;
      const kind = error.constructor?.name === 'GPUOutOfMemoryError' ? 'out-of-memory'
        : error.constructor?.name === 'GPUInternalError' ? 'internal' : 'validation';
      throw new GPUOperationError(pending[i].op, kind, error.message);
    }
    if (this.lostInfo) throw new DeviceLostError('flush', this.lostInfo.reason, this.lostInfo.message);
  }

  /** Allocates an output buffer, refusing sizes the device cannot hold with a clear message. */
  allocate(op: string, bytes: number, label: string): GPUBuffer {
    if (bytes > this.limits.maxBufferSize) {
      throw new SizeLimitError(
        op,
        `the ${label} needs ${bytes} bytes (${mib(bytes)}), over the device's maxBufferSize of ${this.limits.maxBufferSize} bytes (${mib(this.limits.maxBufferSize)})`,
      );
    }
    return this.pool.acquire(bytes, `${op} ${label}`);
  }

  upload(op: string, data: Float32Array | Int32Array): GPUBuffer {
    const buffer = this.allocate(op, data.byteLength, 'input');
    if (data.byteLength > 0) this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  kernel(spec: KernelSpec, overrides?: Overrides): CompiledKernel {
    return compileKernel(this.device, spec, overrides);
  }

  /** Records a dispatch of `workgroups` workgroups (folded into a legal grid). */
  dispatch(op: string, kernel: CompiledKernel, bindings: readonly Binding[], params: ArrayBufferView, workgroups: number): void {
    if (workgroups === 0) return;
    const grid = foldGrid(workgroups, this.limits.maxComputeWorkgroupsPerDimension);
    this.recorder.dispatch(op, kernel, bindings, params, grid);
  }

  /**
   * `range` as an input of a kernel that loads whole vec4s over a flat range (the element-wise
   * activation, the data check): grown to whole vec4s, or, where an app's buffer ends inside the
   * last vec4 (fromGpuBuffer), copied into a pooled buffer that is, so that the last entries are
   * loaded rather than clamped away by robust access. The copy goes back to the pool at once: the
   * pool reuses it only after the next submit.
   */
  vec4Input(op: string, range: BufferRange): BufferRange {
    const grown = wholeVec4s(range);
    if (grown.size % 16 === 0) return grown;
    const copy = this.allocate(op, grown.size, 'vec4 copy');
    this.copyBuffer(op, range, 0, copy, 0, range.size);
    this.pool.release(copy);
    return { buffer: copy, offset: 0, size: copy.size };
  }

  /** Records a copy of `bytes` bytes from `srcOffset` bytes into `src` to `dstOffset` bytes into `dst`. */
  copyBuffer(op: string, src: BufferBinding, srcOffset: number, dst: BufferBinding, dstOffset: number, bytes: number): void {
    if (bytes === 0) return;
    const [from, fromOffset] = bufferAndOffset(src);
    const [to, toOffset] = bufferAndOffset(dst);
    this.recorder.copy(op, from, fromOffset + srcOffset, to, toOffset + dstOffset, bytes);
  }

  /**
   * Records a copy of `height` rows of `bytesPerRow` bytes, from `srcOffset` bytes into `src`, to
   * the texels from row `dstRow` of a texture (Recorder.copyToTexture).
   */
  copyToTexture(op: string, src: BufferBinding, bytesPerRow: number, dst: GPUTexture, width: number, height: number, srcOffset = 0, dstRow = 0): void {
    const [buffer, offset] = bufferAndOffset(src);
    this.recorder.copyToTexture(op, buffer, offset + srcOffset, bytesPerRow, dst, width, height, dstRow);
  }

  /**
   * Reads the first `bytes` of each part's `source` once the recorded work is done, in one
   * readback (Recorder.readBuffers). Settles with the library's errors: DeviceLostError when the
   * device is lost before the data arrives, ContextDestroyedError when the context is destroyed
   * (the browser's error as `cause`).
   */
  async read(op: string, parts: readonly ReadPart[]): Promise<ArrayBuffer[]> {
    const data = await this.readBack(op, parts);
    await this.checkErrors();
    return data;
  }

  /** read() without reporting other ops' WebGPU errors (the autotuner's timings use it). */
  async readBack(op: string, parts: readonly ReadPart[]): Promise<ArrayBuffer[]> {
    this.checkAlive(op);
    let data: ArrayBuffer[];
    try {
      data = await this.captured(op, () => this.recorder.readBuffers(op, parts));
    } catch (error) {
      throw await this.readFailure(op, error);
    }
    if (this.destroyed) throw new ContextDestroyedError(op);
    return data;
  }

  /**
   * Why a readback's mapping failed. The library never unmaps or destroys a readback buffer while
   * it is mapping except in destroy(), so a failure otherwise means the device is gone; its lost
   * promise settles soon after (bounded wait, so that no read can hang on it).
   */
  private async readFailure(op: string, error: unknown): Promise<Error> {
    if (this.destroyed) return new ContextDestroyedError(op, { cause: error });
    const lost = this.lostInfo ?? (await Promise.race([this.device.lost, new Promise<null>((r) => setTimeout(() => r(null), LOST_WAIT_MS))]));
    if (lost) return new DeviceLostError(op, lost.reason, lost.message, { cause: error });
    if (this.destroyed) return new ContextDestroyedError(op, { cause: error });
    return new GPUOperationError(op, 'internal', `reading back failed: ${error instanceof Error ? error.message : String(error)}`);
  }

  /** What the context's memory() reports about this device's footprint. */
  footprint(): { pooledBytes: number; readbackBytes: number; pipelines: number } {
    return { pooledBytes: this.pool.pooledBytes, readbackBytes: this.recorder.readbackBytes, pipelines: pipelineCount(this.device) };
  }

  async flush(): Promise<void> {
    this.checkAlive('flush');
    this.recorder.submit();
    try {
      await this.device.queue.onSubmittedWorkDone();
    } catch (error) {
      throw await this.readFailure('flush', error);
    }
    if (this.destroyed) throw new ContextDestroyedError('flush');
    await this.checkErrors();
  }

  /**
   * Device time in milliseconds of the work `fn` records (dispatches and copies), from timestamp
   * queries; null where the adapter has no `timestamp-query`.
   */
  async deviceTime(fn: () => void): Promise<number | null> {
    if (!this.hasFeature('timestamp-query')) return null;
    if (!this.timing) {
      this.timing = {
        querySet: this.device.createQuerySet({ label: 'webgpu-nn timing', type: 'timestamp', count: 2 }),
        resolve: this.device.createBuffer({ label: 'webgpu-nn timing', size: 16, usage: BUFFER_QUERY_RESOLVE | BUFFER_COPY_SRC }),
      };
    }
    const { querySet, resolve } = this.timing;
    this.captured('timing', () => this.recorder.timed(querySet, resolve, fn));
    const [bytes] = await this.read('timing', [{ source: resolve, bytes: 16 }]);
    const ticks = new BigUint64Array(bytes);
    return Number(ticks[1] - ticks[0]) / 1e6;
  }

  destroy(): void {
    this.destroyed = true;
    this.timing?.querySet.destroy();
    this.timing?.resolve.destroy();
    this.recorder.submit();
    this.pool.destroyAll();
    this.recorder.destroy();
    if (this.ownsDevice) this.device.destroy();
  }
}

/** How long a failed readback waits for the device's lost promise before calling it an internal error. */
const LOST_WAIT_MS = 2000;

function describeBatch(ops: string[]): string {
  return ops.length === 1 ? ops[0] : `a command buffer of ${ops.slice(0, 6).join(', ')}${ops.length > 6 ? ', ...' : ''}`;
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
