/**
 * Autotuning on the real adapter: it picks a usable variant and ops then run it (with correct
 * results), pinned variants win over tuned ones, background tuning starts on the first call of a
 * new shape bucket, winners persist across contexts of the page (localStorage, keyed by adapter),
 * and a tuning stays within its budget. Which variant wins is the adapter's business: the tests
 * never assume one.
 *
 * Tolerance for the softmax outputs: as in softmax.test.ts (1e-6 + 1e-5 * |ref|).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, expectClose, type GpuPage } from './page';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPage();
});
afterAll(async () => {
  await gpu?.close();
});

describe('autotune', () => {
  it('picks a usable variant, and ops of that shape bucket run it', async () => {
    const r = await gpu.run(async (nn, util) => {
      const out = [];
      // [1024, 256]: every softmax variant can run; [512, 255]: rows-vec4 cannot; axis 0: only lines.
      for (const [shape, axis] of [[[1024, 256], -1], [[512, 255], -1], [[64, 32], 0]] as [number[], number][]) {
        const ctx = await nn.createContext({ backend: 'webgpu', autotune: { background: false, storage: null } });
        const result = await ctx.autotune('softmax', shape, { axis });
        // Another shape in the same bucket.
        const rows = shape[0] - 3;
        const data = util.randomArray(rows * shape[1], 7, -8, 8);
        const y = await ctx.softmax(ctx.tensor(data, [rows, shape[1]]), axis).read();
        out.push({
          shape,
          axis,
          result,
          ran: ctx.lastKernelVariant('softmax'),
          cmp: util.compare(y, nn.cpu.softmax(data, [rows, shape[1]], axis), 1e-6, 1e-5),
          again: (await ctx.autotune('softmax', shape, { axis })).source,
        });
        ctx.destroy();
      }
      return out;
    });
    for (const t of r) {
      expectClose(`softmax ${t.shape} axis ${t.axis} after autotune`, t.cmp);
      expect(t.ran).toBe(t.result.variant);
      expect(t.again).toBe('memory');
    }
    const [all, odd, axis0] = r;
    expect(all.result.source).toBe('measured');
    expect(['lines', 'rows-vec4', 'subgroup', 'workgroup']).toContain(all.result.variant);
    expect(Object.keys(all.result.timings).length).toBeGreaterThan(0);
    expect(all.result.timings[all.result.variant!]).toBeGreaterThan(0);
    expect(all.result.bucket).toBe('softmax:rows=2^10,length=2^8,vec4=1,contiguous=1');
    expect(odd.result.variant).not.toBe('rows-vec4');
    expect(Object.keys(odd.result.timings)).not.toContain('rows-vec4');
    expect(axis0.result).toMatchObject({ variant: 'lines', source: 'single' });
  });

  it('tunes the row-wise derivatives too, and they run the winner', async () => {
    const r = await gpu.run(async (nn, util) => {
      const ctx = await nn.createContext({ backend: 'webgpu', autotune: { background: false, storage: null } });
      const shape = [1024, 256];
      const x = util.randomArray(1024 * 256, 9, -8, 8);
      const dy = util.randomArray(1024 * 256, 10, -1, 1);
      const s = nn.cpu.softmax(x, shape);
      const out = [];
      for (const op of ['logSoftmax', 'softmaxVjp'] as const) {
        const tuned = await ctx.autotune(op, shape);
        const y = op === 'logSoftmax' ? ctx.logSoftmax(ctx.tensor(x, shape)) : ctx.softmaxVjp(ctx.tensor(s, shape), ctx.tensor(dy, shape));
        const ref = op === 'logSoftmax' ? nn.cpu.logSoftmax(x, shape) : nn.cpu.softmaxVjp(s, dy, shape);
        // Log-probabilities to about -14 here; VJP values are probabilities times O(1).
        const cmp = util.compare(await y.read(), ref, op === 'logSoftmax' ? 1e-5 : 1e-6, 1e-5);
        out.push({ op, tuned, ran: ctx.lastKernelVariant(op), cmp });
      }
      ctx.destroy();
      return out;
    });
    for (const t of r) {
      expectClose(`${t.op} after autotune`, t.cmp);
      expect(t.tuned.source).toBe('measured');
      expect(['lines', 'rows-vec4', 'workgroup']).toContain(t.tuned.variant);
      expect(t.ran).toBe(t.tuned.variant);
    }
  });

  it('tunes the GEMM of matmul, which dense layers of that shape then use too', async () => {
    const r = await gpu.run(async (nn, util) => {
      const ctx = await nn.createContext({ backend: 'webgpu', autotune: { background: false, storage: null } });
      const [m, k, n] = [256, 128, 64];
      const tuned = await ctx.autotune('matmul', [m, k, n]);
      const a = util.randomArray(m * k, 1);
      const b = util.randomArray(k * n, 2);
      const c = await ctx.matmul(ctx.tensor(a, [m, k]), ctx.tensor(b, [k, n])).read();
      const ranMatmul = ctx.lastKernelVariant('matmul');
      const y = await ctx.dense(ctx.tensor(a, [m, k]), ctx.tensor(b, [k, n]), null, 'relu').read();
      const ranDense = ctx.lastKernelVariant('dense');
      // Sums of 128 products of values in [-1, 1], float32.
      const cmpMatmul = util.compare(c, nn.cpu.matmul(a, [m, k], b, [k, n]), 1e-4, 1e-4);
      const cmpDense = util.compare(y, nn.cpu.dense(a, [m, k], b, [k, n], null, 'relu'), 1e-4, 1e-4);
      ctx.destroy();
      return { tuned, ranMatmul, ranDense, cmpMatmul, cmpDense };
    });
    expectClose('matmul after autotune', r.cmpMatmul);
    expectClose('dense after autotune', r.cmpDense);
    expect(r.tuned.source).toBe('measured');
    expect(['lanes-texture', 'lanes', 'lanes-transposed', 'tiled-64', 'tiled-32']).toContain(r.tuned.variant);
    expect(r.ranMatmul).toBe(r.tuned.variant);
    expect(r.ranDense).toBe(r.tuned.variant);
  });

  it('never overrides a pinned variant, and does not tune a pinned op in the background', async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = await nn.createContext({ backend: 'webgpu', autotune: { storage: null } });
      ctx.setKernelVariant('softmax', 'workgroup');
      const x = ctx.tensor(new Float32Array(256 * 64), [256, 64]);
      ctx.softmax(x);
      const first = ctx.lastKernelVariant('softmax');
      // Had the first call started a background tuning, this would join it.
      const tuned = await ctx.autotune('softmax', [256, 64]);
      ctx.softmax(x);
      const pinnedRun = ctx.lastKernelVariant('softmax');
      ctx.setKernelVariant('softmax', 'auto');
      ctx.softmax(x);
      const unpinnedRun = ctx.lastKernelVariant('softmax');
      await ctx.flush();
      ctx.destroy();
      return { first, tuned, pinnedRun, unpinnedRun };
    });
    expect(r.first).toBe('workgroup');
    expect(r.tuned).toMatchObject({ pinned: 'workgroup', source: 'measured', background: false });
    expect(r.pinnedRun).toBe('workgroup');
    expect(r.unpinnedRun).toBe(r.tuned.variant);
  });

  it('tunes in the background on the first call of a new bucket; that call uses the fixed rule', async () => {
    const r = await gpu.run(async (nn, util) => {
      const rule = await nn.createContext({ backend: 'webgpu' });
      const data = util.randomArray(512 * 128, 3, -8, 8);
      rule.softmax(rule.tensor(data, [512, 128]));
      const ruleVariant = rule.lastKernelVariant('softmax');
      rule.destroy();

      const storage = new Map<string, string>();
      const ctx = await nn.createContext({
        backend: 'webgpu',
        autotune: { storage: { getItem: (k: string) => storage.get(k) ?? null, setItem: (k: string, v: string) => void storage.set(k, v) } },
      });
      const x = ctx.tensor(data, [512, 128]);
      const y1 = ctx.softmax(x);
      const firstVariant = ctx.lastKernelVariant('softmax');
      // Joins the tuning the first call started (nothing was known: it measures).
      const tuned = await ctx.autotune('softmax', [512, 128]);
      const y2 = ctx.softmax(x);
      const secondVariant = ctx.lastKernelVariant('softmax');
      const ref = nn.cpu.softmax(data, [512, 128]);
      const c1 = util.compare(await y1.read(), ref, 1e-6, 1e-5);
      const c2 = util.compare(await y2.read(), ref, 1e-6, 1e-5);
      ctx.destroy();
      return { ruleVariant, firstVariant, tuned, secondVariant, c1, c2, stored: [...storage.keys()] };
    });
    expectClose('softmax during background tuning', r.c1);
    expectClose('softmax after background tuning', r.c2);
    expect(r.firstVariant).toBe(r.ruleVariant);
    expect(r.tuned).toMatchObject({ source: 'measured', background: true });
    expect(r.secondVariant).toBe(r.tuned.variant);
    expect(r.stored).toHaveLength(1);
  });

  it('persists winners per adapter in localStorage: a later context of the page uses them at once', async () => {
    const r = await gpu.run(async (nn) => {
      localStorage.clear();
      const plain = await nn.createContext({ backend: 'webgpu' });
      plain.softmax(plain.tensor(new Float32Array(2048 * 128), [2048, 128]));
      const rule = plain.lastKernelVariant('softmax');
      plain.destroy();

      const first = await nn.createContext({ backend: 'webgpu', autotune: { background: false } });
      const tuned = await first.autotune('softmax', [2048, 128]);
      const info = first.adapterInfo!;
      first.destroy();
      const keys = Object.keys(localStorage);
      const saved = JSON.parse(localStorage.getItem(keys[0])!);

      // Make the stored winner one that neither the fixed rule nor the tuning picked, to see it used.
      const forced = ['lines', 'workgroup', 'rows-vec4'].find((v) => v !== rule && v !== tuned.variant)!;
      saved[tuned.bucket].variant = forced;
      localStorage.setItem(keys[0], JSON.stringify(saved));
      const second = await nn.createContext({ backend: 'webgpu', autotune: true });
      second.softmax(second.tensor(new Float32Array(2000 * 128), [2000, 128]));
      const firstCall = second.lastKernelVariant('softmax');
      const again = await second.autotune('softmax', [2048, 128]);
      await second.flush();
      second.destroy();

      // A context without autotune keeps the fixed rule.
      const later = await nn.createContext({ backend: 'webgpu' });
      later.softmax(later.tensor(new Float32Array(2048 * 128), [2048, 128]));
      const laterVariant = later.lastKernelVariant('softmax');
      later.destroy();
      localStorage.clear();
      return { tuned, keys, info, bucketSaved: Object.keys(saved), forced, firstCall, again, rule, laterVariant };
    });
    expect(r.tuned.source).toBe('measured');
    expect(r.keys).toHaveLength(1);
    expect(r.keys[0]).toContain(encodeURIComponent(r.info.architecture));
    expect(r.bucketSaved).toEqual([r.tuned.bucket]);
    expect(r.firstCall).toBe(r.forced);
    expect(r.again).toMatchObject({ source: 'stored', variant: r.forced });
    expect(r.laterVariant).toBe(r.rule);
  });

  it('stops quietly when the context is destroyed during a background tuning', async () => {
    const r = await gpu.run(async (nn) => {
      const unhandled: string[] = [];
      const onRejection = (e: PromiseRejectionEvent) => void unhandled.push(String(e.reason));
      window.addEventListener('unhandledrejection', onRejection);
      const ctx = await nn.createContext({ backend: 'webgpu', autotune: { storage: null } });
      ctx.softmax(ctx.tensor(new Float32Array(1024 * 256), [1024, 256]));
      // Let the tuning start, then pull the device from under it.
      await new Promise((resolve) => setTimeout(resolve, 50));
      ctx.destroy();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      window.removeEventListener('unhandledrejection', onRejection);
      const after = await ctx.autotune('softmax', [1024, 256]).then(() => 'resolved', (e: Error) => `${e.name}: ${e.message}`);
      return { unhandled, after };
    });
    expect(r.unhandled).toEqual([]);
    expect(r.after).toBe('ContextDestroyedError: autotune: the context was destroyed (ctx.destroy()); create a new one with createContext()');
  });

  it('stays within its budget', async () => {
    const r = await gpu.run(async (nn) => {
      const out = [];
      for (const budgetMs of [0, 200, 1500]) {
        const ctx = await nn.createContext({ backend: 'webgpu', autotune: { background: false, budgetMs, storage: null } });
        const t0 = performance.now();
        const result = await ctx.autotune('softmax', [4096, 1024]);
        const wallMs = performance.now() - t0;
        ctx.destroy();
        out.push({ budgetMs, result, wallMs });
      }
      return out;
    });
    for (const { budgetMs, result, wallMs } of r) {
      expect(result.source).toBe('measured');
      expect(result.budgetMs).toBe(budgetMs);
      // A step starts only while it is predicted to end within the budget: the overrun is at most
      // the longest step (the rule's probe always runs).
      expect(result.elapsedMs).toBeLessThanOrEqual(budgetMs + result.longestStepMs);
      // Scratch buffers and setup come on top of the measured steps, not instead of them.
      expect(wallMs).toBeGreaterThanOrEqual(result.elapsedMs);
    }
    // With no budget only the fixed rule's variant is measured, and kept.
    expect(Object.keys(r[0].result.timings)).toHaveLength(1);
    expect(r[0].result.estimated).toBe(true);
  });
});
