/** Impl builders shared by the benchmark cases: a webgpu-nn op, the copy floor, CPU functions. */
import copyWgsl from './copy.wgsl?raw';
import type { Context, Tensor } from '../src/index';
import type { KernelSpec } from '../src/gpu/kernel';
import { wallTime, type Impl } from './harness';

const COPY: KernelSpec = { name: 'bench_copy', code: copyWgsl, bindings: ['read', 'write'] };

/** Device time of `record` (which records GPU work and returns tensors to free afterwards). */
export async function deviceTime(ctx: Context, record: () => Tensor[]): Promise<number> {
  let outputs: Tensor[] = [];
  const gpu = ctx.gpu!;
  let ms = await gpu.deviceTime(() => {
    outputs = record();
  });
  if (ms === null) {
    // No timestamp queries on this adapter: fall back to the wall time of submit + wait.
    for (const t of outputs) t.destroy();
    const t0 = performance.now();
    outputs = record();
    await ctx.flush();
    ms = performance.now() - t0;
  }
  for (const t of outputs) t.destroy();
  return ms;
}

/**
 * A webgpu-nn impl: `op` maps resident inputs to outputs. `upload` makes the inputs (it is timed
 * in the roundtrip, with the op and the readback of every output).
 */
export function webgpuImpl(
  ctx: Context,
  op: string,
  upload: () => Tensor[],
  run: (inputs: Tensor[]) => Tensor[],
  impl = 'webgpu-nn',
): Impl {
  const resident = upload();
  return {
    impl,
    variant: () => ctx.lastKernelVariant(op),
    async outputs() {
      const outputs = run(resident);
      const values = await Promise.all(outputs.map((t) => t.read()));
      for (const t of outputs) t.destroy();
      return [values.map((v) => (v instanceof Float32Array ? v : Float32Array.from(v)))];
    },
    run: () => deviceTime(ctx, () => run(resident)),
    async roundtrip() {
      const t0 = performance.now();
      const inputs = upload();
      const outputs = run(inputs);
      await Promise.all(outputs.map((t) => t.read()));
      const ms = performance.now() - t0;
      for (const t of [...inputs, ...outputs]) t.destroy();
      return ms;
    },
    dispose() {
      for (const t of resident) t.destroy();
    },
  };
}

/** The bandwidth floor: a vec4 copy of `bytes` bytes on the same device. */
export function copyImpl(ctx: Context, bytes: number): Impl {
  const gpu = ctx.gpu!;
  const src = gpu.allocate('copy', bytes, 'bench source');
  const dst = gpu.allocate('copy', bytes, 'bench destination');
  const vecs = Math.ceil(bytes / 16);
  const workgroupSize = 256;
  const kernel = gpu.kernel(COPY, { workgroupSize });
  return {
    impl: 'copy',
    run: async () =>
      (await gpu.deviceTime(() => {
        gpu.dispatch('copy', kernel, [src, dst], new Uint32Array([vecs]), Math.ceil(vecs / workgroupSize));
      })) ?? NaN,
    dispose() {
      src.destroy();
      dst.destroy();
    },
  };
}

/**
 * What CPU impls return: one output, a list, or an object of outputs (e.g. `{ loss, grad }`, in
 * key order; a number is a one-element output).
 */
export type CpuOutputs = Float32Array | Float32Array[] | object;

/** The outputs of a CPU function as a list (null entries, e.g. an absent bias gradient, dropped). */
export function outputList(out: CpuOutputs): Float32Array[] {
  if (out instanceof Float32Array) return [out];
  if (Array.isArray(out)) return out;
  return Object.values(out)
    .filter((v) => v !== null)
    .map((v) => {
      if (typeof v === 'number') return new Float32Array([v]);
      if (v instanceof Float32Array) return v;
      throw new Error(`bench: a CPU impl returned ${Object.prototype.toString.call(v)} among its outputs`);
    });
}

/** A CPU impl timed by wall clock; `fn` returns the op's outputs (checked once before timing). */
export function cpuImpl(impl: string, fn: () => CpuOutputs): Impl {
  return {
    impl,
    outputs: async () => [outputList(fn())],
    run: async () => wallTime(fn),
  };
}
