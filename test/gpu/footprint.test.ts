/**
 * Reads settle with the library's errors when the device goes or the context is destroyed, and
 * a context's GPU footprint is visible (memory()) and bounded (the pool's cap), and released by
 * destroy(). Each test has a timeout: a read that hangs fails it.
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

const SETTLE_TIMEOUT = 60_000;

describe('reads in flight', () => {
  it('reject with DeviceLostError when the device is lost, large and small, the browser error as cause', async () => {
    const r = await gpu.run(async (nn) => {
      const adapter = await navigator.gpu.requestAdapter();
      const device = await adapter!.requestDevice();
      const ctx = await nn.createContext({ device });
      const small = ctx.softmax(ctx.tensor([[1, 2, 3]]));
      const large = ctx.softmax(ctx.tensor(new Float32Array(2048 * 1024), [2048, 1024]));
      const reads = [small.read(), large.read(), large.read(), small.read()];
      device.destroy();
      const settled = await Promise.allSettled(reads);
      ctx.destroy();
      return settled.map((s) =>
        s.status === 'fulfilled' ? 'fulfilled' : { name: (s.reason as Error).name, message: (s.reason as Error).message, cause: !!(s.reason as Error).cause },
      );
    });
    // A read whose data had already arrived may resolve; the others reject with the library's error.
    const rejected = r.filter((s) => s !== 'fulfilled') as { name: string; message: string; cause: boolean }[];
    expect(rejected.length).toBeGreaterThan(0);
    for (const e of rejected) {
      expect(e.name).toBe('DeviceLostError');
      expect(e.message).toMatch(/^read: the GPU device was lost \(destroyed\)/);
      expect(e.cause).toBe(true);
    }
  }, SETTLE_TIMEOUT);

  it('reject with ContextDestroyedError at ctx.destroy(), on a device the context owns and on one passed in', async () => {
    const r = await gpu.run(async (nn) => {
      const results = [];
      for (const passDevice of [false, true]) {
        const device = passDevice ? await (await navigator.gpu.requestAdapter())!.requestDevice() : undefined;
        const ctx = await nn.createContext(device ? { device } : { backend: 'webgpu' });
        const small = ctx.softmax(ctx.tensor([[1, 2, 3]]));
        const large = ctx.softmax(ctx.tensor(new Float32Array(2048 * 1024), [2048, 1024]));
        const reads = [small.read(), large.read(), ctx.flush(), small.read()];
        ctx.destroy();
        const settled = await Promise.allSettled(reads);
        const later = (() => {
          try {
            ctx.tensor([1]);
            return 'no error';
          } catch (e) {
            return `${(e as Error).name}: ${(e as Error).message}`;
          }
        })();
        const memory = ctx.memory();
        device?.destroy();
        results.push({
          passDevice,
          settled: settled.map((s) => (s.status === 'fulfilled' ? 'fulfilled' : `${(s.reason as Error).name}`)),
          later,
          memory,
        });
      }
      return results;
    });
    for (const c of r) {
      expect(c.settled.every((s) => s === 'ContextDestroyedError'), JSON.stringify(c)).toBe(true);
      expect(c.later).toBe('ContextDestroyedError: tensor: the context was destroyed (ctx.destroy()); create a new one with createContext()');
      expect(c.memory).toEqual({ numTensors: 0, numBytes: 0, pooledBytes: 0, readbackBytes: 0, pipelines: 0, tensors: 0, bytes: 0 });
    }
  }, SETTLE_TIMEOUT);
});

describe('the footprint', () => {
  it('memory() shows pooled, readback and pipeline use; destroy() destroys every buffer and texture the context created', async () => {
    const r = await gpu.run(async (nn) => {
      const adapter = await navigator.gpu.requestAdapter();
      const device = await adapter!.requestDevice({ requiredFeatures: adapter!.features.has('subgroups') ? ['subgroups'] : [] });
      const live = new Set<GPUBuffer | GPUTexture>();
      const wrap = <R extends GPUBuffer | GPUTexture>(made: R): R => {
        live.add(made);
        const destroy = made.destroy.bind(made);
        made.destroy = () => {
          live.delete(made);
          destroy();
        };
        return made;
      };
      const createBuffer = device.createBuffer.bind(device);
      const createTexture = device.createTexture.bind(device);
      device.createBuffer = (d: GPUBufferDescriptor) => wrap(createBuffer(d));
      device.createTexture = (d: GPUTextureDescriptor) => wrap(createTexture(d));
      const ctx = await nn.createContext({ device, poolBytes: 8 * 2 ** 20 });
      const x = ctx.tensor(new Float32Array(64 * 96).map((_, i) => Math.sin(i)), [64, 96]);
      const w = ctx.tensor(new Float32Array(96 * 32).map((_, i) => Math.cos(i) / 10), [96, 32]);
      const p = ctx.softmax(ctx.dense(x, w, null, 'relu'));
      const reading = p.read();
      const during = ctx.memory();
      await reading;
      ctx.matmul(x, w).destroy();
      ctx.softmaxCrossEntropy(p, ctx.tensor(new Int32Array(64).map((_, i) => i % 32))).loss.destroy();
      await ctx.flush();
      const after = ctx.memory();
      const beforeDestroy = live.size;
      ctx.destroy();
      const left = [...live].map((r) => r.label);
      device.destroy();
      return { during, after, beforeDestroy, left };
    });
    expect(r.during.readbackBytes).toBeGreaterThanOrEqual(64 * 32 * 4);
    expect(r.after.readbackBytes).toBe(0);
    expect(r.after.pooledBytes).toBeGreaterThan(0);
    expect(r.after.pooledBytes).toBeLessThanOrEqual(8 * 2 ** 20);
    expect(r.after.pipelines).toBeGreaterThanOrEqual(3);
    expect(r.beforeDestroy).toBeGreaterThan(0);
    expect(r.left).toEqual([]);
  }, SETTLE_TIMEOUT);

  it('stays under the pool cap over 3,000 mixed calls of random shapes (seeded)', async () => {
    const r = await gpu.run(async (nn, util) => {
      const cap = 2 * 2 ** 20;
      const ctx = await nn.createContext({ backend: 'webgpu', poolBytes: cap });
      const random = util.randomArray(3000 * 3, 20261207, 0, 1);
      let maxPooled = 0;
      let calls = 0;
      const start = ctx.memory().numTensors;
      for (let i = 0; i < 3000; i++) {
        // Up to 1 MiB of float32 per tensor: rows x cols <= 262,144.
        const cols = 1 + Math.floor(random[3 * i] * 1024);
        const rows = 1 + Math.floor(random[3 * i + 1] * Math.min(256, Math.floor(262_144 / cols)));
        const kind = Math.floor(random[3 * i + 2] * 4);
        ctx.tidy(() => {
          const x = ctx.tensor(new Float32Array(rows * cols), [rows, cols]);
          if (kind === 0) ctx.softmax(x);
          else if (kind === 1) ctx.logSoftmax(x);
          else if (kind === 2) ctx.softmaxVjp(ctx.softmax(x), x);
          else ctx.softmaxCrossEntropy(x, ctx.tensor(new Int32Array(rows)));
        });
        calls++;
        if (i % 50 === 49) {
          await ctx.flush();
          maxPooled = Math.max(maxPooled, ctx.memory().pooledBytes);
        }
      }
      await ctx.flush();
      const end = ctx.memory();
      ctx.destroy();
      return { cap, calls, maxPooled, leaked: end.numTensors - start };
    });
    expect(r.calls).toBe(3000);
    expect(r.leaked).toBe(0);
    expect(r.maxPooled).toBeGreaterThan(0);
    expect(r.maxPooled).toBeLessThanOrEqual(r.cap);
  }, 180_000);
});
