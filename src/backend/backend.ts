/**
 * The seam between the context and where tensors live: a small interface that the CPU reference
 * and WebGPU both implement, so that ops and training code never ask which one they run on.
 */
import type { CoreContext } from '../core-context.js';
import type { OpDefinition } from '../ops/definition.js';
import type { Tensor, TensorData, TensorStorage } from '../tensor.js';
import type { GpuRuntime } from '../gpu/runtime.js';

export type BackendName = 'webgpu' | 'cpu';

/** What a read wants: the first `elements` values of `tensor` (all of them without it). */
export interface ReadRequest {
  tensor: Tensor;
  elements?: number;
}

export interface Backend {
  readonly name: BackendName;
  /** The WebGPU runtime (device, pool, recorder), or null on the cpu backend. */
  readonly gpu: GpuRuntime | null;
  /** Storage holding a copy of `values`. */
  upload(op: string, values: TensorData): TensorStorage;
  /** The first `elements` values of each tensor (all of them by default), in one readback. */
  read(requests: readonly ReadRequest[]): Promise<TensorData[]>;
  /** Frees storage (back to the pool where there is one; an app's buffer only if the tensor owns it). */
  release(storage: TensorStorage): void;
  /** Runs `def`'s reference or kernels on checked arguments. */
  run<In extends unknown[], A, R>(ctx: CoreContext, def: OpDefinition<In, A, R>, args: A): R;
  /** Runs `fn`, which calls several ops, as one unit of error attribution for `op`. */
  captured<T>(op: string, fn: () => T): T;
  /** Starts the work recorded so far without waiting for it. */
  submit(): void;
  /** Waits for all work recorded so far; rejects with the first error since the last check. */
  flush(): Promise<void>;
  /** Throws if the backend cannot run ops any more (a lost device). */
  checkAlive(op: string): void;
  destroy(): void;
}
