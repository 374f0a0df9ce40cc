/**
 * The context: picks a backend, owns the device and every tensor made on it, and is the object
 * ops are called on. Ops record GPU work and return at once; `read()` and `flush()` wait.
 */
import {
  ArgumentError,
  ContextMismatchError,
  DTypeError,
  ShapeError,
  TensorDestroyedError,
} from './errors.js';
import { requestDevice, describeAdapter, type AdapterInfo } from './gpu/device.js';
import { GpuRuntime } from './gpu/runtime.js';
import { checkShape, describe, formatShape, type Shape } from './shape.js';
import { Tensor, type DType, type TensorData, type TensorOwner } from './tensor.js';
import { VariantRegistry } from './kernels/variants.js';
import { SOFTMAX_VARIANTS } from './kernels/softmax.js';
import { GEMM_VARIANTS } from './kernels/matmul.js';
import { softmax } from './ops/softmax.js';
import { matmul } from './ops/matmul.js';
import { dense, denseBackward, type DenseBackwardArgs, type DenseGradients } from './ops/dense.js';
import type { Activation, DenseOptions, MatmulOptions } from './linalg.js';
import { ROWWISE_VARIANTS } from './kernels/rowwise.js';
import { JACOBIAN_PROBS_VARIANTS, JACOBIAN_VARIANTS } from './kernels/jacobian.js';
import { CROSS_ENTROPY_VARIANTS } from './kernels/crossentropy.js';
import { Autotuner, type AutotuneOptions, type AutotuneResult } from './autotune/autotuner.js';
import { logSoftmax, logSoftmaxVjp, softmaxVjp } from './ops/rowwise.js';
import { softmaxJacobian, softmaxJacobianFromProbs } from './ops/jacobian.js';
import { softmaxCrossEntropy } from './ops/crossentropy.js';
import type { CrossEntropyOptions, CrossEntropyResult } from './cpu/crossentropy.js';
import { FIT_VARIANTS } from './nn/fit-variants.js';

export type BackendName = 'webgpu' | 'cpu';

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
}

/** What `tensor()` accepts. Nested arrays give a 2-D tensor. */
export type TensorInput = Float32Array | Int32Array | Uint32Array | number[] | number[][];

/** Live tensor memory of a context. */
export interface MemoryInfo {
  /** Tensors created and not yet destroyed. */
  tensors: number;
  /** Bytes of their element data. */
  bytes: number;
}

const KERNEL_VARIANTS = new Map<string, readonly string[]>([
  ['softmax', SOFTMAX_VARIANTS],
  ['matmul', GEMM_VARIANTS],
  ['dense', GEMM_VARIANTS],
  ['denseBackward', GEMM_VARIANTS],
  ['logSoftmax', ROWWISE_VARIANTS],
  ['softmaxVjp', ROWWISE_VARIANTS],
  ['logSoftmaxVjp', ROWWISE_VARIANTS],
  ['softmaxJacobian', JACOBIAN_VARIANTS],
  ['softmaxJacobianFromProbs', JACOBIAN_PROBS_VARIANTS],
  ['softmaxCrossEntropy', CROSS_ENTROPY_VARIANTS],
  ['fit', FIT_VARIANTS],
]);

/**
 * Creates a context. With the default `backend: 'auto'` it uses WebGPU when an adapter is found
 * (asking it for its largest buffer and binding sizes) and otherwise falls back to the CPU
 * reference, with a console warning and `ctx.fallbackReason` set.
 *
 * @example
 * const ctx = await createContext();
 * console.log(ctx.backend, ctx.adapterInfo); // 'webgpu', { vendor: 'google', architecture: 'swiftshader', ... }
 */
export async function createContext(options: ContextOptions = {}): Promise<Context> {
  const op = 'createContext';
  if (options === null || typeof options !== 'object') {
    throw new ArgumentError(op, `options must be an object, got ${describe(options)}`);
  }
  const backend = options.backend ?? 'auto';
  if (backend !== 'auto' && backend !== 'webgpu' && backend !== 'cpu') {
    throw new ArgumentError(op, `options.backend must be 'auto', 'webgpu' or 'cpu', got ${describe(backend)}`);
  }
  Autotuner.checkOptions(options.autotune);
  if (backend === 'cpu') return new Context(null, null);
  if (options.device) {
    const device = options.device;
    const info = describeAdapter((device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo);
    return new Context(new GpuRuntime(device, info, false), null, options.autotune);
  }
  const gpu = options.gpu ?? (globalThis.navigator as Navigator | undefined)?.gpu;
  try {
    const { device, info } = await requestDevice(gpu);
    return new Context(new GpuRuntime(device, info, true), null, options.autotune);
  } catch (error) {
    if (backend === 'webgpu') throw error;
    const reason = error instanceof Error ? error.message : String(error);
    console.warn(`webgpu-nn: no WebGPU adapter, falling back to the cpu backend (${reason})`);
    return new Context(null, reason);
  }
}

export class Context implements TensorOwner {
  /** `'webgpu'` or `'cpu'`. */
  readonly backend: BackendName;
  /** The adapter the context runs on (null on cpu). */
  readonly adapterInfo: AdapterInfo | null;
  /** Why `'auto'` fell back to cpu, or null. */
  readonly fallbackReason: string | null;
  /** Resolves if the GPU device is lost; ops throw DeviceLostError afterwards. Never resolves on cpu. */
  readonly lost: Promise<{ reason: string; message: string }>;
  /** @internal */
  readonly gpu: GpuRuntime | null;
  /** @internal */
  readonly variants = new VariantRegistry(KERNEL_VARIANTS);
  private readonly autotuner: Autotuner | null;
  private readonly live = new Set<Tensor>();
  /** Host copies of int32 tensors uploaded to the GPU (class labels), for synchronous range checks. */
  private readonly uploadedInt32 = new WeakMap<Tensor, Int32Array>();
  private readonly tidyScopes: Set<Tensor>[] = [];
  private destroyed = false;

  /** @internal Use createContext(). */
  constructor(gpu: GpuRuntime | null, fallbackReason: string | null, autotune?: boolean | AutotuneOptions) {
    this.gpu = gpu;
    this.autotuner = gpu ? new Autotuner(gpu, this.variants, autotune) : null;
    this.backend = gpu ? 'webgpu' : 'cpu';
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
    const finalShape = shape === undefined ? inferred : [...shape];
    const size = checkShape(op, 'shape', finalShape);
    if (size !== values.length) {
      throw new ShapeError(op, `data has ${values.length} elements but shape ${formatShape(finalShape)} needs ${size}`);
    }
    const dtype: DType = values instanceof Int32Array ? 'int32' : 'float32';
    if (this.gpu) {
      const t = this.track(new Tensor(this, finalShape, dtype, { buffer: this.gpu.upload(op, values), data: null }));
      if (values instanceof Int32Array) this.uploadedInt32.set(t, values.slice());
      return t;
    }
    return this.track(new Tensor(this, finalShape, dtype, { buffer: null, data: values.slice() }));
  }

  /**
   * Softmax along `axis` (default: the last). Max-subtracted with an online normalizer; see
   * docs/numerics.md for how NaN and infinities behave.
   *
   * @example
   * const p = ctx.softmax(ctx.tensor([[1000, 1000], [1, -Infinity]]));
   * await p.read(); // [0.5, 0.5, 1, 0]
   */
  softmax(x: Tensor, axis = -1): Tensor<'float32'> {
    return softmax(this, x, axis);
  }

  /**
   * Matrix product: [M, K] x [K, N] -> [M, N]; batched [batch, M, K] x [batch, K, N] ->
   * [batch, M, N], where a 2-D operand is shared by every batch entry of the other.
   * `transposeA` reads `a` stored as [K, M] and `transposeB` reads `b` stored as [N, K], in the
   * kernel (nothing is transposed in memory). Accumulates in f32.
   *
   * @example
   * const c = ctx.matmul(ctx.tensor([[1, 2], [3, 4]]), ctx.tensor([[5, 6], [7, 8]]));
   * await c.read(); // [19, 22, 43, 50]
   * const g = ctx.matmul(x, x, { transposeA: true });  // x^T x
   */
  matmul(a: Tensor, b: Tensor, options?: MatmulOptions): Tensor {
    return matmul(this, a, b, options);
  }

  /**
   * A dense layer, act(x w + b), for x [batch, inputs], w [inputs, units], b [units] (optional),
   * activation 'linear' (default), 'sigmoid', 'relu', 'tanh', 'leakyRelu' or 'softmax'
   * (row-wise), given by name or as options `{ activation, alpha }` (alpha: leakyRelu's slope for
   * negative inputs, default 0.2). One fused
   * kernel: the bias and the activation are applied as outputs are stored (softmax as a second
   * pass over the rows).
   *
   * @example
   * const y = ctx.dense(ctx.tensor([[0, 1], [1, 1]]), ctx.tensor([[1], [2]]), ctx.tensor([-1]), 'relu');
   * await y.read(); // [1, 2]
   * ctx.dense(x, w, b, { activation: 'leakyRelu', alpha: 0.1 });
   */
  dense(x: Tensor, w: Tensor, b?: Tensor | null, activation: Activation | DenseOptions = 'linear'): Tensor {
    return dense(this, x, w, b, activation);
  }

  /**
   * Gradients of a dense layer from its forward output `y` and `dy` = dL/dy:
   * dz = dy * act'(y) (softmax: y * (dy - <dy, y>) per row), dx = dz w^T, dw = x^T dz,
   * db = column sums of dz (null when `hasBias` is false; default true).
   *
   * @example
   * const y = ctx.dense(x, w, b, 'sigmoid');
   * const { dx, dw, db } = ctx.denseBackward({ x, w, y, dy, activation: 'sigmoid' });
   */
  denseBackward(args: DenseBackwardArgs): DenseGradients {
    return denseBackward(this, args);
  }

  /**
   * Log-softmax along `axis` (default: the last), computed stably as
   * x - max - log(sum(exp(x - max))). A line of only `-Infinity` gives `-Infinity`; NaN and
   * `+Infinity` follow softmax's rules (see docs/numerics.md).
   *
   * @example
   * const lp = ctx.logSoftmax(ctx.tensor([[0, 0], [0, -Infinity]]));
   * await lp.read(); // [-0.693, -0.693, 0, -Infinity]
   */
  logSoftmax(x: Tensor, axis = -1): Tensor {
    return logSoftmax(this, x, axis);
  }

  /**
   * Backward pass of softmax without building the Jacobian: given s = softmax(x) and dy, the
   * gradient of a loss with respect to s, returns the gradient with respect to x,
   * dx = s * (dy - sum(dy * s)) along `axis`, in one kernel. The Jacobian is symmetric, so this
   * is also the Jacobian-vector product J v (pass v as `dy`).
   *
   * @example
   * const s = ctx.softmax(x);
   * const dx = ctx.softmaxVjp(s, dy);   // == J^T dy per row, J = softmaxJacobian(x)
   */
  softmaxVjp(s: Tensor, dy: Tensor, axis = -1): Tensor {
    return softmaxVjp(this, s, dy, axis);
  }

  /**
   * Backward pass of log-softmax: given logProbs = logSoftmax(x) and dy, the gradient with
   * respect to logProbs, returns dy - exp(logProbs) * sum(dy) along `axis`.
   *
   * @example
   * const lp = ctx.logSoftmax(x);
   * const dx = ctx.logSoftmaxVjp(lp, dy);
   */
  logSoftmaxVjp(logProbs: Tensor, dy: Tensor, axis = -1): Tensor {
    return logSoftmaxVjp(this, logProbs, dy, axis);
  }

  /**
   * The Jacobian of softmax over the last axis, from logits: [..., N] -> [..., N, N] with
   * J[i][j] = s_i * (delta_ij - s_j), i.e. diag(s) - s s^T per row, s = softmax(x) computed in the
   * same kernel. Outputs larger than a storage binding are written in chunks; outputs larger than
   * the device's maxBufferSize throw a SizeLimitError. `axis` must name the last axis (for now).
   *
   * @example
   * const J = ctx.softmaxJacobian(ctx.tensor([0, 0]));
   * await J.read(); // [0.25, -0.25, -0.25, 0.25]  (shape [2, 2])
   */
  softmaxJacobian(x: Tensor, axis = -1): Tensor {
    return softmaxJacobian(this, x, axis);
  }

  /**
   * The Jacobian of softmax from probabilities s (e.g. the output of `softmax`):
   * [..., N] -> [..., N, N] with J[i][j] = s_i * (delta_ij - s_j). Same limits as
   * `softmaxJacobian`.
   *
   * @example
   * const J = ctx.softmaxJacobianFromProbs(ctx.softmax(x));
   */
  softmaxJacobianFromProbs(s: Tensor, axis = -1): Tensor {
    return softmaxJacobianFromProbs(this, s, axis);
  }

  /**
   * Softmax cross-entropy over the last axis, loss and gradient from one fused kernel.
   * `labels` is a float32 tensor of the logits' shape (probability rows or one-hot) or an int32
   * tensor of class indices, one per row (an index out of range throws an ArgumentError).
   * Per row, loss = -sum(labels * logSoftmax(logits)) (= logsumexp(x) - sum(labels * x) for
   * labels that sum to 1), computed without cancellation for logits of +-1e4, and
   * grad = softmax(logits) - labels. `options.reduction`: `'mean'` (default: the loss is the mean
   * over rows, a scalar tensor, and grad is divided by the number of rows), `'sum'`, or `'none'`
   * (one loss per row, shape logits.shape[:-1]).
   *
   * @example
   * const { loss, grad } = ctx.softmaxCrossEntropy(ctx.tensor([[2, 1, 0]]), ctx.tensor(new Int32Array([0])));
   * await loss.read(); // [0.4076]
   */
  softmaxCrossEntropy(logits: Tensor, labels: Tensor, options?: CrossEntropyOptions): CrossEntropyResult<Tensor> {
    return softmaxCrossEntropy(this, logits, labels, options);
  }

  /** Submits all recorded work and waits for it; rejects with the first WebGPU error since the last check. */
  async flush(): Promise<void> {
    this.checkUsable('flush');
    if (this.gpu) await this.gpu.flush();
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

  /** Live tensors and their bytes. */
  memory(): MemoryInfo {
    let bytes = 0;
    for (const t of this.live) bytes += t.byteLength;
    return { tensors: this.live.size, bytes };
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
    this.gpu?.destroy();
    this.destroyed = true;
  }

  // ---- internal API used by ops ------------------------------------------------------------

  /** @internal Throws if the context cannot run ops. */
  checkUsable(op: string): void {
    if (this.destroyed) throw new ArgumentError(op, 'the context was destroyed');
    this.gpu?.checkAlive(op);
  }

  /**
   * @internal The autotuned variant of `op` for `problem` (the op's own view of its arguments, as
   * in src/autotune/ops.ts), or null: then the op uses its fixed rule.
   */
  tunedVariant(op: string, problem: unknown): string | null {
    return this.autotuner?.lookup(op, problem) ?? null;
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
    return this.track(new Tensor(this, shape, dtype, { buffer: gpu.allocate(op, bytes, label), data: null }));
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
    return this.track(new Tensor(this, shape, dtype, { buffer: null, data }));
  }

  /** @internal */
  async readTensor(t: Tensor): Promise<TensorData> {
    const storage = t.storage!;
    if (storage.data) return storage.data.slice();
    const gpu = this.gpu!;
    const bytes = await gpu.read('read', storage.buffer!, t.byteLength);
    return t.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes);
  }

  /** @internal */
  releaseTensor(t: Tensor): void {
    this.live.delete(t);
    const buffer = t.storage?.buffer;
    if (buffer && this.gpu && !this.destroyed) this.gpu.pool.release(buffer);
    else buffer?.destroy();
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

function toTypedArray(op: string, data: unknown): { values: Float32Array | Int32Array; inferred: number[] } {
  if (data instanceof Float32Array || data instanceof Int32Array) return { values: data, inferred: [data.length] };
  if (data instanceof Uint32Array) {
    const values = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      if (data[i] > 0x7fffffff) throw new ArgumentError(op, `data[${i}] = ${data[i]} does not fit in int32`);
      values[i] = data[i];
    }
    return { values, inferred: [data.length] };
  }
  if (!Array.isArray(data)) {
    throw new ArgumentError(op, `data must be a Float32Array, Int32Array, Uint32Array, number[] or number[][], got ${describe(data)}`);
  }
  if (data.length > 0 && Array.isArray(data[0])) {
    const cols = (data[0] as unknown[]).length;
    const values = new Float32Array(data.length * cols);
    data.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new ShapeError(op, `data is ragged: row ${r} has ${Array.isArray(row) ? row.length : describe(row)} entries, row 0 has ${cols}`);
      }
      row.forEach((v, c) => {
        if (typeof v !== 'number') throw new ArgumentError(op, `data[${r}][${c}] must be a number, got ${describe(v)}`);
        values[r * cols + c] = v;
      });
    });
    return { values, inferred: [data.length, cols] };
  }
  const values = new Float32Array(data.length);
  data.forEach((v, i) => {
    if (typeof v !== 'number') throw new ArgumentError(op, `data[${i}] must be a number, got ${describe(v)}`);
    values[i] = v;
  });
  return { values, inferred: [data.length] };
}

