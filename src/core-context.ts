/**
 * The context without op methods: picks a backend, owns every tensor made on it, tidy scopes,
 * memory accounting, kernel variant pins and autotuning. Ops are functions taking the context
 * (src/ops/); the main entry's Context adds them as methods.
 */
import {
  ArgumentError,
  ContextDestroyedError,
  ContextMismatchError,
  DTypeError,
  ShapeError,
  TensorDestroyedError,
} from './errors.js';
import { requestDevice, describeAdapter, softwareAdapterRefused, type AdapterInfo } from './gpu/device.js';
import { GpuRuntime } from './gpu/runtime.js';
import { tensorRange } from './gpu/tensor-range.js';
import { checkShape, describe, formatShape, type Shape } from './shape.js';
import { Tensor, type DType, type GpuBufferView, type TensorData, type TensorOwner } from './tensor.js';
import { checkGpuBuffer, type FromGpuBufferOptions } from './gpu-interop.js';
import { toTypedArray } from './tensor-input.js';
import { checkContextOptions } from './context-options.js';
import { checkOptions } from './options.js';
import { withPersistentStorage } from './autotune/indexeddb-storage.js';
import { adapterKey } from './autotune/store.js';
import { VariantRegistry } from './ops/variants.js';
import type { OpVariants } from './ops/definition.js';
import { Autotuner, type AutotuneOptions, type AutotuneResult } from './autotune/autotuner.js';
import type { Backend, BackendName, ReadRequest } from './backend/backend.js';
import { cpuBackend } from './backend/cpu.js';
import { webgpuBackend } from './backend/webgpu.js';

export type { BackendName } from './backend/backend.js';
export interface ContextOptions {
  /** `'auto'` (default) uses WebGPU when an adapter is found and falls back to `'cpu'`. */
  backend?: 'auto' | BackendName;
  /** Run on this device instead of requesting one (its limits are used as they are). */
  device?: GPUDevice;
  /** The WebGPU entry point to use instead of `navigator.gpu` (in Node: the `webgpu` package). */
  gpu?: GPU;
  /**
   * `true`: on the first call of an op at a new shape bucket, time its kernel variants in the
   * background (that call uses the fixed rule) and use the fastest from then on; winners persist
   * per adapter in localStorage where available. See `ctx.autotune()`.
   */
  autotune?: boolean | AutotuneOptions;
  /**
   * The most idle GPU memory, in bytes, the context keeps for reuse (buffers and textures of
   * destroyed tensors and intermediates); beyond it released memory is destroyed. Default 512 MiB
   * (or the device's maxBufferSize where smaller). `ctx.memory().pooledBytes` reports the use.
   */
  poolBytes?: number;
  /**
   * `true`: refuse a software adapter (SwiftShader and other CPU emulations of a GPU, see
   * `adapterInfo.isFallbackAdapter`). With `backend: 'webgpu'` createContext then rejects with a
   * BackendUnavailableError; with `'auto'` it falls back to the cpu backend. Default false.
   */
  requireHardware?: boolean;
}

/** What `tensor()` accepts. Nested arrays give a 2-D tensor. */
export type TensorInput = Float32Array | Int32Array | Uint32Array | number[] | number[][];

/** What a context holds: its live tensors and, on WebGPU, the memory and pipelines behind them. */
export interface MemoryInfo {
  /** Tensors created and not yet destroyed. */
  numTensors: number;
  /** Bytes of their element data. */
  numBytes: number;
  /**
   * Bytes of idle GPU buffers and textures kept for reuse (at most `createContext`'s `poolBytes`);
   * 0 on cpu.
   */
  pooledBytes: number;
  /** Bytes of the readback buffers of reads in flight; 0 on cpu. */
  readbackBytes: number;
  /** Compute pipelines compiled on the device (kept for the device's life); 0 on cpu. */
  pipelines: number;
  /** @deprecated Use `numTensors` (removed in 0.3). */
  tensors: number;
  /** @deprecated Use `numBytes` (removed in 0.3). */
  bytes: number;
}

/** What createContext decided: the backend and, for an 'auto' fallback, why. */
export interface OpenedBackend {
  runner: Backend;
  fallbackReason: string | null;
  autotune: boolean | AutotuneOptions | undefined;
}

/**
 * Validates createContext's options and opens the backend: WebGPU when an adapter is found (asking
 * it for its largest buffer and binding sizes), else, with `backend: 'auto'`, the CPU reference
 * with a console warning.
 */
export async function openBackend(options: ContextOptions = {}): Promise<OpenedBackend> {
  const { backend, device, gpu, requireHardware, poolBytes } = checkContextOptions(options);
  Autotuner.checkOptions(options.autotune);
  if (backend === 'cpu') return { runner: cpuBackend, fallbackReason: null, autotune: undefined };
  if (device) {
    const info = describeAdapter((device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo);
    if (requireHardware && info.isFallbackAdapter) throw softwareAdapterRefused(info);
    const autotune = await withPersistentStorage(options.autotune, adapterKey(info));
    return { runner: webgpuBackend(new GpuRuntime(device, info, false, poolBytes)), fallbackReason: null, autotune };
  }
  try {
    const found = await requestDevice(gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu, requireHardware);
    const autotune = await withPersistentStorage(options.autotune, adapterKey(found.info));
    return { runner: webgpuBackend(new GpuRuntime(found.device, found.info, true, poolBytes)), fallbackReason: null, autotune };
  } catch (error) {
    if (backend === 'webgpu') throw error;
    const reason = error instanceof Error ? error.message : String(error);
    console.warn(`webgpu-nn: no WebGPU adapter, falling back to the cpu backend (${reason})`);
    return { runner: cpuBackend, fallbackReason: reason, autotune: undefined };
  }
}

/**
 * Creates a context without op methods (the lean entry, `webgpu-nn/core`): call ops as functions,
 * `softmax(ctx, x)`. Options as for the main entry's createContext.
 *
 * @example
 * import { createContext, softmax } from 'webgpu-nn/core';
 * const ctx = await createContext();
 * const p = softmax(ctx, ctx.tensor([[1, 2, 3]]));
 */
export async function createCoreContext(options: ContextOptions = {}): Promise<CoreContext> {
  return new CoreContext(await openBackend(options));
}

const AUTOTUNE_CALL_OPTIONS = { known: ['axis', 'force'] };

export class CoreContext implements TensorOwner {
  /** `'webgpu'` or `'cpu'`. */
  readonly backend: BackendName;
  /** The adapter the context runs on (null on cpu). */
  readonly adapterInfo: AdapterInfo | null;
  /** Why `'auto'` fell back to cpu, or null. */
  readonly fallbackReason: string | null;
  /** Resolves if the GPU device is lost; ops throw DeviceLostError afterwards. Never resolves on cpu. */
  readonly lost: Promise<{ reason: string; message: string }>;
  /** @internal Where tensors live and ops run. */
  readonly runner: Backend;
  /** @internal */
  readonly variants = new VariantRegistry();
  private readonly autotuner: Autotuner | null;
  private readonly live = new Set<Tensor>();
  /** Host copies of int32 tensors uploaded to the GPU (class labels), for synchronous range checks. */
  private readonly uploadedInt32 = new WeakMap<Tensor, Int32Array>();
  private readonly tidyScopes: Set<Tensor>[] = [];
  private destroyed = false;

  /** @internal Use createContext(). */
  constructor({ runner, fallbackReason, autotune }: OpenedBackend) {
    this.runner = runner;
    const gpu = runner.gpu;
    this.autotuner = gpu ? new Autotuner(gpu, this.variants, autotune) : null;
    this.backend = runner.name;
    this.adapterInfo = gpu ? gpu.info : null;
    this.fallbackReason = fallbackReason;
    this.lost = gpu
      ? gpu.device.lost.then((info) => {
          gpu.lostInfo = { reason: info.reason, message: info.message };
          return gpu.lostInfo;
        })
      : new Promise(() => {});
  }

  /**
   * Uploads data as a tensor: float32 from Float32Array and number arrays, int32 from Int32Array
   * and Uint32Array (class labels). `shape` defaults to the data's own ([n], or [rows, cols] for
   * nested arrays).
   *
   * @example
   * const x = ctx.tensor([[1, 2, 3], [1, 1, 1]]);        // float32 [2, 3]
   * const labels = ctx.tensor(new Int32Array([2, 0]));    // int32 [2]
   * const y = ctx.tensor(new Float32Array(12), [2, 3, 2]);
   */
  tensor(data: Int32Array | Uint32Array, shape?: Shape): Tensor<'int32'>;
  tensor(data: Float32Array | number[] | number[][], shape?: Shape): Tensor<'float32'>;
  tensor(data: TensorInput, shape?: Shape): Tensor;
  tensor(data: TensorInput, shape?: Shape): Tensor {
    const op = 'tensor';
    this.checkUsable(op);
    const { values, inferred } = toTypedArray(op, data);
    // checkShape refuses non-arrays (a number, null) with a ShapeError before the shape is used;
    // the Tensor keeps its own frozen copy.
    const finalShape: Shape = shape === undefined ? inferred : shape;
    const size = checkShape(op, 'shape', finalShape);
    if (size !== values.length) {
      throw new ShapeError(op, `data has ${values.length} elements but shape ${formatShape(finalShape)} needs ${size}`);
    }
    const dtype: DType = values instanceof Int32Array ? 'int32' : 'float32';
    const t = this.track(new Tensor(this, finalShape, dtype, this.runner.upload(op, values)));
    if (values instanceof Int32Array && t.storage!.data === null) this.uploadedInt32.set(t, values.slice());
    return t;
  }

  /** The context's `GPUDevice` (the one it requested, or the one passed in), or null on cpu. */
  get device(): GPUDevice | null {
    return this.runner.gpu?.device ?? null;
  }

  /**
   * A tensor over a `GPUBuffer` the app already has, without copying: ops read it (and the app
   * may write it between calls: nothing caches its values). The buffer needs STORAGE usage (and
   * COPY_SRC for `read()`), 4 bytes per element from `options.offset` (a multiple of the
   * device's minStorageBufferOffsetAlignment, so that several tensors can share one buffer), and
   * must belong to this context's device. The app keeps the buffer (destroying the tensor leaves
   * it alive) unless `own: true`. Work reading it is recorded lazily: do not overwrite the buffer
   * until that work is submitted (`ctx.flush()`, a `read()`, or `gpuBuffer()` of a result). See
   * docs/api.md, GPU buffers.
   *
   * @example
   * const logits = ctx.fromGpuBuffer(appBuffer, [rows, cols]);
   * const probs = ctx.softmax(logits).gpuBuffer();   // { buffer, offset, size } for the app's next pass
   * const bias = ctx.fromGpuBuffer(appBuffer, [cols], { offset: 4096 });   // further into the same buffer
   */
  fromGpuBuffer(buffer: GPUBuffer, shape: Shape, options?: FromGpuBufferOptions): Tensor {
    this.checkUsable('fromGpuBuffer');
    const checked = checkGpuBuffer(this.gpu, buffer, shape, options);
    return this.track(new Tensor(this, [...checked.shape], checked.dtype, { buffer, offset: checked.offset, data: null, external: { own: checked.own } }));
  }

  /** @internal tensor.gpuBuffer(): submits what is recorded so far and hands out the buffer. */
  tensorGpuBuffer(t: Tensor): GpuBufferView {
    const op = 'gpuBuffer';
    this.checkUsable(op);
    const gpu = this.gpu;
    if (!gpu) throw new ArgumentError(op, 'the tensor lives on the cpu backend, which has no GPU buffers; use read()');
    gpu.recorder.submit();
    const { buffer, offset } = tensorRange(t);
    return { buffer, offset, size: t.byteLength };
  }

  /** @internal The WebGPU runtime, or null on the cpu backend. */
  get gpu(): GpuRuntime | null {
    return this.runner.gpu;
  }

  /** Submits all recorded work and waits for it; rejects with the first WebGPU error since the last check. */
  async flush(): Promise<void> {
    this.checkUsable('flush');
    await this.runner.flush();
  }

  /**
   * Runs `fn` and destroys every tensor created inside it except those it returns (a tensor, or
   * arrays/objects of tensors). Scopes nest. `fn` must be synchronous.
   *
   * @example
   * const p = ctx.tidy(() => ctx.softmax(ctx.softmax(x)));  // the intermediate is destroyed
   */
  tidy<T>(fn: () => T): T {
    if (typeof fn !== 'function') throw new ArgumentError('tidy', `fn must be a function, got ${describe(fn)}`);
    const scope = new Set<Tensor>();
    this.tidyScopes.push(scope);
    let result: T;
    try {
      result = fn();
    } catch (error) {
      this.tidyScopes.pop();
      for (const t of scope) t.destroy();
      throw error;
    }
    this.tidyScopes.pop();
    if (result instanceof Promise) {
      for (const t of scope) t.destroy();
      throw new ArgumentError('tidy', 'fn returned a Promise; tidy only tracks synchronous work');
    }
    const kept = new Set<Tensor>();
    collectTensors(result, kept);
    const parent = this.tidyScopes[this.tidyScopes.length - 1];
    for (const t of scope) {
      if (kept.has(t)) parent?.add(t);
      else t.destroy();
    }
    return result;
  }

  /**
   * Takes `t` out of every enclosing `tidy` scope, so that it outlives them (TF.js's `tf.keep`).
   * Returns `t`.
   *
   * @example
   * const kept = ctx.tidy(() => { const w = ctx.keep(ctx.tensor([1, 2])); return ctx.softmax(w); });
   */
  keep<T extends Tensor>(t: T): T {
    for (const scope of this.tidyScopes) scope.delete(t);
    return t;
  }

  /**
   * What the context holds now: live tensors and their bytes (TF.js's `numTensors`, `numBytes`),
   * and on WebGPU the idle pooled memory, readback buffers in flight and compiled pipelines, so
   * that a long-running page can check that its footprint stays bounded. Answers after destroy().
   *
   * @example
   * const { numTensors, pooledBytes } = ctx.memory();
   */
  memory(): MemoryInfo {
    let numBytes = 0;
    for (const t of this.live) numBytes += t.byteLength;
    const gpu = this.gpu && !this.destroyed ? this.gpu.footprint() : { pooledBytes: 0, readbackBytes: 0, pipelines: 0 };
    return { numTensors: this.live.size, numBytes, ...gpu, tensors: this.live.size, bytes: numBytes };
  }

  /** Names of the kernel variants of `op` (e.g. `'softmax'`). */
  kernelVariants(op: string): readonly string[] {
    return this.variants.list(op);
  }

  /** Pins `op` to one kernel variant where it can run (`'auto'` restores the default rule). */
  setKernelVariant(op: string, variant: string): void {
    this.variants.pin(op, variant);
  }

  /** The variant the last call of `op` ran, or null. */
  lastKernelVariant(op: string): string | null {
    return this.variants.lastUsed(op);
  }

  /**
   * Times the kernel variants of `op` for inputs of `shape` (for softmax: the input's shape, with
   * `axis`) within the context's tuning budget, and makes ops of that shape bucket run the fastest
   * (unless a variant is pinned). Winners are kept per shape bucket, and persisted per adapter
   * where localStorage is available: a later context on the same adapter reuses them without
   * measuring (`force: true` measures again). On the cpu backend it resolves with `variant: null`.
   *
   * @example
   * const r = await ctx.autotune('softmax', [4096, 1024]);
   * console.log(r.variant, r.timings); // e.g. 'rows-vec4', { 'rows-vec4': 48.1, lines: 131.0, subgroup: 109.4 }
   */
  async autotune(op: string, shape: readonly number[], options: { axis?: number; force?: boolean } = {}): Promise<AutotuneResult> {
    this.checkUsable('autotune');
    if (typeof op !== 'string') throw new ArgumentError('autotune', `op must be a string, got ${describe(op)}`);
    checkOptions('autotune', options, AUTOTUNE_CALL_OPTIONS);
    if (!this.autotuner) {
      const bucket = `${op}:cpu`;
      return { op, bucket, variant: null, source: 'cpu', background: false, timings: {}, estimated: false, pinned: null, elapsedMs: 0, budgetMs: 0, longestStepMs: 0 };
    }
    return this.autotuner.tune(op, shape, options.axis, options.force === true);
  }

  /** Destroys every tensor and, if the context created it, the device. */
  destroy(): void {
    if (this.destroyed) return;
    this.autotuner?.destroy();
    for (const t of [...this.live]) t.destroy();
    this.runner.destroy();
    this.destroyed = true;
  }

  // ---- internal API used by ops ------------------------------------------------------------

  /** @internal Whether the context can run ops: not destroyed, and its device (if any) not lost. */
  get alive(): boolean {
    return !this.destroyed && !this.runner.gpu?.lostInfo;
  }

  /** @internal Throws if the context cannot run ops. */
  checkUsable(op: string): void {
    if (this.destroyed) throw new ContextDestroyedError(op);
    this.runner.checkAlive(op);
  }

  /** @internal The autotuned variant for `problem`, or null: then the op uses its fixed rule. */
  tunedVariant<P>(variants: OpVariants<P>, problem: P): string | null {
    return this.autotuner?.lookup(variants as OpVariants<unknown>, problem) ?? null;
  }

  /** @internal Validates a tensor argument of `op`. */
  input(op: string, arg: string, t: unknown, dtype: DType | null = 'float32'): Tensor {
    if (!(t instanceof Tensor)) throw new ArgumentError(op, `${arg} must be a Tensor, got ${describe(t)}`);
    if (t.owner !== this) throw new ContextMismatchError(op, `${arg} belongs to another context`);
    if (t.destroyed) throw new TensorDestroyedError(op, `${arg} was destroyed`);
    if (dtype !== null && t.dtype !== dtype) throw new DTypeError(op, `${arg} must be ${dtype}, got ${t.dtype}`);
    return t;
  }

  /** @internal A new float32/int32 tensor on the GPU (uninitialised). */
  gpuOutput<D extends DType = 'float32'>(op: string, shape: Shape, dtype: D = 'float32' as D, label = 'output'): Tensor<D> {
    const gpu = this.gpu!;
    const bytes = shape.reduce((a, b) => a * b, 1) * 4;
    return this.track(new Tensor(this, shape, dtype, { buffer: gpu.allocate(op, bytes, label), offset: 0, data: null }));
  }

  /** @internal The values an int32 tensor was uploaded with (GPU backend), or its data (cpu); null if unknown. */
  int32Values(t: Tensor): Int32Array | null {
    const data = t.storage?.data;
    if (data instanceof Int32Array) return data;
    return this.uploadedInt32.get(t) ?? null;
  }

  /** @internal Wraps CPU results as a tensor. */
  cpuOutput<A extends TensorData>(shape: Shape, data: A): Tensor<A extends Int32Array ? 'int32' : 'float32'> {
    const dtype = (data instanceof Int32Array ? 'int32' : 'float32') as A extends Int32Array ? 'int32' : 'float32';
    return this.track(new Tensor(this, shape, dtype, { buffer: null, offset: 0, data }));
  }

  /** @internal The values of `t`, or its first `elements` values. */
  readTensor(t: Tensor, elements?: number): Promise<TensorData> {
    return this.runner.read([{ tensor: t, elements }]).then(([data]) => data);
  }

  /** @internal Several tensors' values in one readback (see ReadRequest). */
  readTensors(requests: readonly ReadRequest[]): Promise<TensorData[]> {
    return this.runner.read(requests);
  }

  /** @internal */
  releaseTensor(t: Tensor): void {
    this.live.delete(t);
    if (t.storage) this.runner.release(t.storage);
  }

  private track<T extends Tensor>(t: T): T {
    this.live.add(t);
    this.tidyScopes[this.tidyScopes.length - 1]?.add(t);
    return t;
  }
}

function collectTensors(value: unknown, into: Set<Tensor>): void {
  if (value instanceof Tensor) into.add(value);
  else if (Array.isArray(value)) for (const v of value) collectTensors(v, into);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const v of Object.values(value)) collectTensors(v, into);
  }
}
