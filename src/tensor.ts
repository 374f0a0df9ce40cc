/** Tensor: a shape plus its storage (a GPU buffer on webgpu, a typed array on cpu). */
import { TensorDestroyedError } from './errors.js';
import type { Shape } from './shape.js';

export type DType = 'float32' | 'int32';
export type TensorData = Float32Array | Int32Array;
/** The typed array a tensor of dtype D reads back as. */
export type DataOf<D extends DType> = D extends 'int32' ? Int32Array : Float32Array;

/** What `tensor.array()` returns: a number for a scalar, else arrays nested once per dimension. */
export type NestedArray = number | NestedArray[];

function nest(values: ArrayLike<number>, shape: Shape, dim: number, offset: number): NestedArray {
  if (dim === shape.length) return values[offset];
  let stride = 1;
  for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
  return Array.from({ length: shape[dim] }, (_, i) => nest(values, shape, dim + 1, offset + i * stride));
}

/** What a tensor needs from the context that owns it. */
export interface TensorOwner {
  readTensor(t: Tensor): Promise<TensorData>;
  releaseTensor(t: Tensor): void;
  tensorGpuBuffer(t: Tensor): GpuBufferView;
}

/** Storage of one tensor: exactly one of `buffer` and `data` is set while the tensor is alive. */
export interface TensorStorage {
  buffer: GPUBuffer | null;
  /**
   * Byte offset of the first element in `buffer`: 0 for the library's own buffers, the app's
   * aligned offset for a buffer handed in (`ctx.fromGpuBuffer`). Kernels, copies and readbacks
   * address a tensor through tensorRange (src/gpu/tensor-range.ts), which applies it.
   */
  offset: number;
  data: TensorData | null;
  /**
   * Set for a buffer the app handed in (`ctx.fromGpuBuffer`): the app may write it between calls,
   * so nothing caches a scan of its values; `own` says whether the tensor destroys it.
   */
  external?: { own: boolean };
}

/** Where a tensor's data lies on the GPU, for the app's own passes (`tensor.gpuBuffer()`). */
export interface GpuBufferView {
  buffer: GPUBuffer;
  /** Byte offset of the first element. */
  offset: number;
  /** Bytes of element data (4 per element). */
  size: number;
}

/**
 * An n-dimensional array owned by one context. Create tensors with `ctx.tensor(...)`; ops return
 * new tensors. Read the values with `await t.read()`, free GPU memory with `t.destroy()` (or let
 * `ctx.tidy` do it).
 */
export class Tensor<D extends DType = DType> {
  readonly shape: Shape;
  readonly size: number;
  readonly dtype: D;
  /** @internal The context that created the tensor. */
  readonly owner: TensorOwner;
  /** @internal */
  storage: TensorStorage | null;

  /** @internal Tensors are made by a context, never directly. */
  constructor(owner: TensorOwner, shape: Shape, dtype: D, storage: TensorStorage) {
    this.owner = owner;
    this.shape = Object.freeze([...shape]);
    this.size = shape.reduce((a, b) => a * b, 1);
    this.dtype = dtype;
    this.storage = storage;
  }

  /** Number of dimensions. */
  get rank(): number {
    return this.shape.length;
  }

  /** Bytes of element data (4 per element). */
  get byteLength(): number {
    return this.size * 4;
  }

  get destroyed(): boolean {
    return this.storage === null;
  }

  /**
   * Waits for the work that produces this tensor and returns a copy of its values
   * (Float32Array for float32, Int32Array for int32). Rejects with the op's name if WebGPU
   * reported an error for work recorded before this call.
   *
   * @example
   * const p = ctx.softmax(ctx.tensor([1, 2, 3]));
   * console.log(await p.read()); // Float32Array [0.090, 0.245, 0.665]
   */
  read(): Promise<DataOf<D>> {
    if (this.storage === null) {
      return Promise.reject(new TensorDestroyedError('read', 'the tensor was destroyed'));
    }
    return this.owner.readTensor(this) as Promise<DataOf<D>>;
  }

  /**
   * The values as TF.js's `data()` gives them: the same as `read()` (a typed array copy).
   *
   * @example
   * const values = await ctx.softmax(x).data();
   */
  data(): Promise<DataOf<D>> {
    return this.read();
  }

  /**
   * The values as nested arrays of the tensor's shape (TF.js's `array()`): a number for a scalar,
   * `number[]` for rank 1, `number[][]` for rank 2, and so on.
   *
   * @example
   * const rows = await ctx.softmax(ctx.tensor([[1, 2], [3, 4]])).array(); // [[0.269, 0.731], [0.269, 0.731]]
   */
  async array(): Promise<NestedArray> {
    const values = await this.read();
    return nest(values, this.shape, 0, 0);
  }

  /** Frees the tensor's memory. Safe to call twice; ops given a destroyed tensor throw. */
  destroy(): void {
    if (this.storage === null) return;
    this.owner.releaseTensor(this);
    this.storage = null;
  }

  /**
   * The tensor's GPU buffer, to bind in the app's own passes, after submitting all work recorded
   * so far (so a pass the app submits afterwards sees the result). Valid until the tensor is
   * destroyed; the app must not write it while the library may still read it. A typed error on
   * the cpu backend.
   *
   * @example
   * const { buffer, offset, size } = ctx.softmax(logits).gpuBuffer();
   * pass.setBindGroup(0, device.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer, offset, size } }] }));
   */
  gpuBuffer(): GpuBufferView {
    if (this.storage === null) throw new TensorDestroyedError('gpuBuffer', 'the tensor was destroyed');
    return this.owner.tensorGpuBuffer(this);
  }

  /** The same as `destroy()`, under TF.js's name. */
  dispose(): void {
    this.destroy();
  }

  toString(): string {
    return `Tensor(${this.dtype}, [${this.shape.join(', ')}])`;
  }
}
