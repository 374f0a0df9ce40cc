/**
 * The context on WebGPU: backend choice, the `gpu` and `device` options, typed errors on bad
 * input, WebGPU errors reaching read()/flush() with the op's name, device loss, memory tracking.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, type GpuPage } from './page';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPage();
});
afterAll(async () => {
  await gpu?.close();
});

describe('context on webgpu', () => {
  it("'auto' picks webgpu and reports the adapter; `gpu` takes a navigator.gpu", async () => {
    const r = await gpu.run(async (nn) => {
      const auto = await nn.createContext();
      const viaGpu = await nn.createContext({ backend: 'webgpu', gpu: navigator.gpu });
      const out = {
        auto: auto.backend,
        adapter: auto.adapterInfo,
        fallback: auto.fallbackReason,
        viaGpu: viaGpu.backend,
        value: Array.from(await viaGpu.softmax(viaGpu.tensor([0, 0])).read()),
      };
      auto.destroy();
      viaGpu.destroy();
      return out;
    });
    expect(r.auto).toBe('webgpu');
    expect(r.adapter?.architecture).toBeTruthy();
    expect(r.fallback).toBeNull();
    expect(r.viaGpu).toBe('webgpu');
    expect(r.value).toEqual([0.5, 0.5]);
  });

  it('runs on a caller-supplied device at default limits and leaves it alive on destroy', async () => {
    const r = await gpu.run(async (nn) => {
      const adapter = await navigator.gpu.requestAdapter();
      const device = await adapter!.requestDevice();
      const ctx = await nn.createContext({ device });
      const y = Array.from(await ctx.softmax(ctx.tensor([[1, 1, 1, 1]])).read());
      ctx.destroy();
      // The caller owns the device: it still works after the context is gone.
      const buffer = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE });
      buffer.destroy();
      const limit = device.limits.maxStorageBufferBindingSize;
      device.destroy();
      return { y, limit };
    });
    expect(r.y).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(r.limit).toBe(134217728);
  });

  it('reads int32 tensors back as Int32Array', async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const labels = ctx.tensor(new Int32Array([3, -1, 7]));
      const fromU32 = ctx.tensor(new Uint32Array([1, 2]));
      const out = { dtype: labels.dtype, type: (await labels.read()).constructor.name, values: Array.from(await labels.read()), u32: fromU32.dtype };
      ctx.destroy();
      return out;
    });
    expect(r).toEqual({ dtype: 'int32', type: 'Int32Array', values: [3, -1, 7], u32: 'int32' });
  });

  it('rejects bad input with typed errors and records nothing', async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const other = await nn.createContext({ backend: 'webgpu' });
      const x = ctx.tensor([[1, 2], [3, 4]]);
      const dead = ctx.tensor([1, 2]);
      dead.destroy();
      const tries: [string, () => unknown][] = [
        ['length', () => ctx.tensor([1, 2, 3], [2, 2])],
        ['fraction', () => ctx.tensor([1, 2], [1.5])],
        ['negative', () => ctx.tensor([], [-1, 0])],
        ['axis', () => ctx.softmax(x, 2)],
        ['axisType', () => ctx.softmax(x, 0.5)],
        ['destroyed', () => ctx.softmax(dead)],
        ['otherContext', () => other.softmax(x)],
        ['int32', () => ctx.softmax(ctx.tensor(new Int32Array([1, 2])))],
        ['notTensor', () => ctx.softmax([1, 2] as never)],
      ];
      const before = ctx.memory().tensors;
      const errors: Record<string, { name: string; message: string }> = {};
      for (const [name, fn] of tries) {
        try {
          fn();
          errors[name] = { name: 'none', message: '' };
        } catch (e) {
          errors[name] = { name: (e as Error).name, message: (e as Error).message };
        }
      }
      const after = ctx.memory().tensors;
      let readError = '';
      await dead.read().catch((e: Error) => (readError = e.name));
      ctx.destroy();
      other.destroy();
      // One int32 tensor is created by the 'int32' case before softmax rejects it.
      return { errors, created: after - before, readError };
    });
    expect(r.errors.length).toMatchObject({ name: 'ShapeError', message: expect.stringMatching(/^tensor: .*3 elements.*\[2, 2\]/) });
    expect(r.errors.fraction).toMatchObject({ name: 'ShapeError', message: expect.stringMatching(/shape.*1\.5/) });
    expect(r.errors.negative).toMatchObject({ name: 'ShapeError', message: expect.stringMatching(/-1/) });
    expect(r.errors.axis).toMatchObject({ name: 'ArgumentError', message: expect.stringMatching(/^softmax: axis 2 is out of range/) });
    expect(r.errors.axisType).toMatchObject({ name: 'ArgumentError', message: expect.stringMatching(/^softmax: axis must be an integer/) });
    expect(r.errors.destroyed).toMatchObject({ name: 'TensorDestroyedError', message: 'softmax: x was destroyed' });
    expect(r.errors.otherContext).toMatchObject({ name: 'ContextMismatchError', message: 'softmax: x belongs to another context' });
    expect(r.errors.int32).toMatchObject({ name: 'DTypeError', message: 'softmax: x must be float32, got int32' });
    expect(r.errors.notTensor).toMatchObject({ name: 'ArgumentError', message: expect.stringMatching(/^softmax: x must be a Tensor/) });
    expect(r.created).toBe(1);
    expect(r.readError).toBe('TensorDestroyedError');
  });

  it('rejects the next read() and flush() with the op name when WebGPU reports an error', async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const x = ctx.tensor([[1, 2, 3, 4]]);
      // Pull the buffer out from under the tensor: the submit that uses it fails validation.
      (x as unknown as { storage: { buffer: GPUBuffer } }).storage.buffer.destroy();
      const y = ctx.softmax(x);
      let flushError = { name: '', message: '', op: '' };
      await ctx.flush().catch((e) => (flushError = { name: e.name, message: e.message, op: e.op }));
      // The error is reported once; the context keeps working.
      const ok = Array.from(await ctx.softmax(ctx.tensor([0, 0])).read());
      y.destroy();
      ctx.destroy();
      return { flushError, ok };
    });
    expect(r.flushError.name).toBe('GPUOperationError');
    expect(r.flushError.op).toBe('softmax');
    expect(r.flushError.message).toMatch(/^softmax: WebGPU validation error: .*destroyed/s);
    expect(r.ok).toEqual([0.5, 0.5]);
  });

  it('resolves ctx.lost when the device is lost, and ops then throw DeviceLostError', async () => {
    const r = await gpu.run(async (nn) => {
      const adapter = await navigator.gpu.requestAdapter();
      const device = await adapter!.requestDevice();
      const ctx = await nn.createContext({ device });
      const x = ctx.tensor([1, 2]);
      device.destroy();
      const lost = await ctx.lost;
      const errors: string[] = [];
      try {
        ctx.softmax(x);
      } catch (e) {
        errors.push(`${(e as Error).name}: ${(e as Error).message}`);
      }
      await x.read().catch((e: Error) => errors.push(e.name));
      await ctx.flush().catch((e: Error) => errors.push(e.name));
      ctx.destroy();
      return { lost, errors };
    });
    expect(r.lost.reason).toBe('destroyed');
    expect(r.errors[0]).toMatch(/^DeviceLostError: softmax: the GPU device was lost \(destroyed\)/);
    expect(r.errors.slice(1)).toEqual(['DeviceLostError', 'DeviceLostError']);
  });

  it('tracks live memory; tidy keeps only what it returns; destroy frees everything', async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const x = ctx.tensor(new Float32Array(1024), [4, 256]);
      const m1 = ctx.memory();
      const kept = ctx.tidy(() => {
        const a = ctx.softmax(x);
        const b = ctx.softmax(a);
        return { result: ctx.softmax(b) };
      });
      const m2 = ctx.memory();
      const nested = ctx.tidy(() => [ctx.tidy(() => ctx.softmax(x)), ctx.softmax(x)][0]);
      const m3 = ctx.memory();
      let asyncError = '';
      try {
        ctx.tidy((async () => ctx.softmax(x)) as never);
      } catch (e) {
        asyncError = (e as Error).name;
      }
      const m4 = ctx.memory();
      const value = (await kept.result.read())[0];
      x.destroy();
      x.destroy();
      const m5 = ctx.memory();
      const nestedAlive = !nested.destroyed;
      ctx.destroy();
      const live = (m: { numTensors: number; numBytes: number }) => ({ numTensors: m.numTensors, numBytes: m.numBytes });
      return { m1: live(m1), m2: live(m2), m3: live(m3), m4: live(m4), m5: live(m5), asyncError, value, nestedAlive, keptAfter: kept.result.destroyed, after: ctx.memory() };
    });
    expect(r.m1).toEqual({ numTensors: 1, numBytes: 4096 });
    expect(r.m2).toEqual({ numTensors: 2, numBytes: 8192 });
    expect(r.m3).toEqual({ numTensors: 3, numBytes: 12288 });
    expect(r.asyncError).toBe('ArgumentError');
    expect(r.m4).toEqual(r.m3);
    expect(r.value).toBeCloseTo(1 / 256, 7);
    expect(r.m5).toEqual({ numTensors: 2, numBytes: 8192 });
    expect(r.nestedAlive).toBe(true);
    expect(r.keptAfter).toBe(true);
    expect(r.after).toEqual({ numTensors: 0, numBytes: 0, pooledBytes: 0, readbackBytes: 0, pipelines: 0, tensors: 0, bytes: 0 });
  });

  it('refuses a tensor larger than maxBufferSize with a SizeLimitError that states both sizes', async () => {
    const r = await gpu.run(async (nn) => {
      const adapter = await navigator.gpu.requestAdapter();
      const device = await adapter!.requestDevice();
      const ctx = await nn.createContext({ device });
      let error = { name: '', message: '' };
      try {
        ctx.tensor(new Float32Array(device.limits.maxBufferSize / 4 + 4));
      } catch (e) {
        error = { name: (e as Error).name, message: (e as Error).message };
      }
      const live = ctx.memory().tensors;
      ctx.destroy();
      device.destroy();
      return { error, live };
    });
    expect(r.error.name).toBe('SizeLimitError');
    expect(r.error.message).toBe(
      'tensor: the input needs 268435472 bytes (256.0 MiB), over the device\'s maxBufferSize of 268435456 bytes (256.0 MiB)',
    );
    expect(r.live).toBe(0);
  });
});
