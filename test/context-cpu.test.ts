/** The context API on the cpu backend (what Node users get without WebGPU). */
import { describe, expect, it, vi } from 'vitest';
import { createContext, ArgumentError, ShapeError, BackendUnavailableError } from '../src/index';

describe('context on the cpu backend', () => {
  it('computes softmax and reads back copies', async () => {
    const ctx = await createContext({ backend: 'cpu' });
    expect(ctx.backend).toBe('cpu');
    expect(ctx.adapterInfo).toBeNull();
    const x = ctx.tensor([[1000, 1000], [1e30, 0]]);
    expect(x.shape).toEqual([2, 2]);
    expect(x.dtype).toBe('float32');
    const y = ctx.softmax(x);
    const out = await y.read();
    expect(Array.from(out)).toEqual([0.5, 0.5, 1, 0]);
    out[0] = 9;
    expect((await y.read())[0]).toBe(0.5);
    await ctx.flush();
    ctx.destroy();
    expect(() => ctx.tensor([1])).toThrow('tensor: the context was destroyed');
  });

  it('copies input data at creation', async () => {
    const ctx = await createContext({ backend: 'cpu' });
    const data = new Float32Array([1, 2]);
    const x = ctx.tensor(data);
    data[0] = 5;
    expect(Array.from(await x.read())).toEqual([1, 2]);
  });

  it('validates tensor data and shapes', async () => {
    const ctx = await createContext({ backend: 'cpu' });
    expect(() => ctx.tensor([[1, 2], [3]])).toThrow('tensor: data is ragged: row 1 has 1 entries, row 0 has 2');
    expect(() => ctx.tensor(new Uint32Array([2 ** 31]))).toThrow('tensor: data[0] = 2147483648 does not fit in int32');
    expect(() => ctx.tensor([1, 'a' as never])).toThrow(ArgumentError);
    expect(() => ctx.tensor('abc' as never)).toThrow(/tensor: data must be a Float32Array, Int32Array, Uint32Array, number\[\] or number\[\]\[\], got "abc"/);
    expect(() => ctx.tensor([1, 2, 3, 4], [3])).toThrow(ShapeError);
    expect(() => ctx.tensor([1, 2], [2, NaN])).toThrow(/tensor: shape must hold non-negative integers, got NaN at index 1/);
    expect(ctx.tensor(new Float32Array(6), [1, 2, 3]).shape).toEqual([1, 2, 3]);
    expect(ctx.tensor([5]).size).toBe(1);
    expect(ctx.tensor(new Float32Array([2]), []).shape).toEqual([]);
    expect(() => ctx.softmax(ctx.tensor(new Float32Array([2]), []))).toThrow('softmax: axis -1 is not valid for a scalar (rank 0) tensor');
  });

  it('rejects unknown options', async () => {
    await expect(createContext({ backend: 'metal' as never })).rejects.toThrow("createContext: options.backend must be 'auto', 'webgpu' or 'cpu', got \"metal\"");
    await expect(createContext(5 as never)).rejects.toThrow(ArgumentError);
  });

  it("'auto' falls back to cpu without an adapter and says so; 'webgpu' fails", async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const ctx = await createContext({ gpu: noAdapter });
    expect(ctx.backend).toBe('cpu');
    expect(ctx.fallbackReason).toMatch(/found no adapter/);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/falling back to the cpu backend/));
    warn.mockRestore();
    await expect(createContext({ backend: 'webgpu', gpu: noAdapter })).rejects.toThrow(BackendUnavailableError);
    // Node has no navigator.gpu.
    await expect(createContext({ backend: 'webgpu' })).rejects.toThrow(/WebGPU is not available here/);
  });

  it('tidy and memory work the same as on webgpu', async () => {
    const ctx = await createContext({ backend: 'cpu' });
    const x = ctx.tensor(new Float32Array(8), [2, 4]);
    const kept = ctx.tidy(() => ctx.softmax(ctx.softmax(x)));
    const cpuMemory = { numTensors: 2, numBytes: 64, pooledBytes: 0, readbackBytes: 0, pipelines: 0, tensors: 2, bytes: 64 };
    expect(ctx.memory()).toEqual(cpuMemory);
    expect(() => ctx.tidy(() => {
      ctx.softmax(x);
      throw new Error('boom');
    })).toThrow('boom');
    expect(ctx.memory()).toEqual(cpuMemory);
    kept.destroy();
    expect(ctx.memory().numTensors).toBe(1);
  });
});

describe('tensor reads and disposal under TF.js names', () => {
  it('data() is read(), array() nests by the shape, dispose() is destroy()', async () => {
    const ctx = await createContext({ backend: 'cpu' });
    const t = ctx.tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 1, 3]);
    expect(Array.from(await t.data())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await t.array()).toEqual([[[1, 2, 3]], [[4, 5, 6]]]);
    expect(await ctx.tensor([7, 8]).array()).toEqual([7, 8]);
    expect(await ctx.tensor(new Float32Array([9]), []).array()).toBe(9);
    expect(await ctx.tensor(new Float32Array(0), [2, 0]).array()).toEqual([[], []]);
    const before = ctx.memory().numTensors;
    t.dispose();
    expect(t.destroyed).toBe(true);
    expect(ctx.memory().numTensors).toBe(before - 1);
    await expect(t.array()).rejects.toThrow('read: the tensor was destroyed');
    ctx.destroy();
  });
});

describe('error classes', () => {
  it("name themselves with a literal (a minifying bundler renames classes, not strings)", async () => {
    const nn = await import('../src/index');
    const classes = Object.entries(nn).filter(([, v]) => typeof v === 'function' && v.prototype instanceof Error);
    expect(classes.length).toBeGreaterThanOrEqual(13);
    for (const [exported, Class] of classes) {
      const error = new (Class as new (...args: unknown[]) => Error)('op', 'message', 'reason');
      expect(error.name).toBe(exported);
      expect(Object.getOwnPropertyDescriptor(error, 'name')?.value ?? error.name).toBe(exported);
    }
  });
});
