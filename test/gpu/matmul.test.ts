import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPageWithContext, expectClose, type Ctx, type GpuPage } from './page';
import { randomArray } from '../util/compare';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPageWithContext();
});
afterAll(async () => {
  await gpu?.close();
});

const VARIANTS = ['auto', 'lanes-texture', 'lanes', 'lanes-transposed', 'tiled-64', 'tiled-32'];

interface Case {
  label: string;
  m: number;
  k: number;
  n: number;
  batch: number;
  /** Which operands carry the batch dimension (the other is shared). */
  aBatched: boolean;
  bBatched: boolean;
  transposeA: boolean;
  transposeB: boolean;
}

/** Seeded cases: every dimension drawn from 1..300, forced odd half the time. */
function randomCases(count: number, seed: number): Case[] {
  const r = randomArray(count * 8, seed, 0, 1);
  const dim = (u: number, odd: boolean) => {
    const d = 1 + Math.floor(u * 300);
    return odd && d % 2 === 0 ? d - 1 || 1 : d;
  };
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const u = r.subarray(i * 8, i * 8 + 8);
    const odd = u[3] < 0.5;
    const batched = u[4] < 0.4;
    const batch = batched ? 1 + Math.floor(u[5] * 3) : 1;
    const shared = u[6];
    cases.push({
      label: `random ${i}`,
      m: dim(u[0], odd),
      k: dim(u[1], odd),
      n: dim(u[2], odd),
      batch,
      aBatched: batched && shared > 0.25,
      bBatched: batched && shared < 0.75,
      transposeA: u[7] < 0.5,
      transposeB: (u[7] * 4) % 1 < 0.5,
    });
  }
  return cases;
}

function fixedCase(label: string, m: number, k: number, n: number, extra: Partial<Case> = {}): Case {
  return { label, m, k, n, batch: 1, aBatched: false, bBatched: false, transposeA: false, transposeB: false, ...extra };
}

const EDGE_CASES: Case[] = [
  fixedCase('1x1x1', 1, 1, 1),
  fixedCase('row times column', 1, 300, 1),
  fixedCase('column times row', 300, 1, 300),
  fixedCase('tiny odd', 3, 5, 7, { transposeA: true }),
  fixedCase('tile edges 63/64/65', 63, 64, 65, { transposeB: true }),
  fixedCase('exact tiles', 64, 64, 64),
  // Whole 16 x 64 tiles with contiguous output rows: the lanes kernels store without bounds tests
  // (lanes-transposed writes the transpose, columns strided, so it keeps them).
  fixedCase('whole tiles, batched', 32, 20, 128, { batch: 2, aBatched: true, bBatched: true }),
  fixedCase('whole tiles, both transposed', 48, 16, 64, { transposeA: true, transposeB: true }),
  fixedCase('one past tiles', 65, 17, 129, { transposeA: true, transposeB: true }),
  fixedCase('K = 0 gives zeros', 5, 0, 6),
  // Row-major B with a multiple of 64 columns: lanes-texture copies it into its texture instead of
  // packing it (batch entries back to back, or one shared B); with K = 0 there is nothing to copy
  // and the texture a pooled one left behind must not be read.
  fixedCase('B copied into its texture, batched', 37, 19, 128, { batch: 3, aBatched: true, bBatched: true }),
  fixedCase('B copied into its texture, shared', 20, 33, 192, { batch: 2, aBatched: true }),
  fixedCase('K = 0 with 64 columns gives zeros', 5, 0, 64),
  // Operands in aligned runs of 4 take the vec4 packing kernel: along k (A row-major, B stored
  // transposed) and along the lines (A stored transposed, B row-major but not copied).
  fixedCase('vec4 packing along k, and along the lines', 36, 20, 44, { transposeA: true, transposeB: true }),
  fixedCase('vec4 packing, batched', 12, 8, 20, { batch: 3, aBatched: true, bBatched: true }),
  fixedCase('vec4 packing, batched and transposed', 8, 12, 36, { batch: 2, aBatched: true, bBatched: true, transposeA: true, transposeB: true }),
  fixedCase('batched, both transposed', 33, 20, 45, { batch: 3, aBatched: true, bBatched: true, transposeA: true, transposeB: true }),
  // A stored transposed with a multiple of 4 rows: lanes-texture copies it into a texture of
  // 8192-texel rows (here two whole rows and a partial one) instead of packing it; and a shared
  // A (one partial row).
  fixedCase('A copied into its texture, texture rows wrapped, batched', 256, 140, 64, { batch: 2, aBatched: true, bBatched: true, transposeA: true }),
  fixedCase('A copied into its texture, shared', 64, 40, 64, { batch: 2, bBatched: true, transposeA: true }),
  fixedCase('shared b', 31, 9, 70, { batch: 4, aBatched: true }),
  fixedCase('shared a', 70, 9, 31, { batch: 2, bBatched: true, transposeA: true }),
];

/** Runs the cases on every variant in the page; returns one comparison per (case, variant). */
async function runCases(cases: Case[], seed: number) {
  return gpu.run(
    async (nn, util, { cases, variants, seed }) => {
      const ctx = (window as unknown as { ctx: Ctx }).ctx;
      const results = [];
      for (let i = 0; i < cases.length; i++) {
        const c = cases[i];
        const aShape = c.transposeA ? [c.k, c.m] : [c.m, c.k];
        const bShape = c.transposeB ? [c.n, c.k] : [c.k, c.n];
        if (c.aBatched) aShape.unshift(c.batch);
        if (c.bBatched) bShape.unshift(c.batch);
        const size = (s: number[]) => s.reduce((p, q) => p * q, 1);
        const a = util.randomArray(size(aShape), seed + 2 * i);
        const b = util.randomArray(size(bShape), seed + 2 * i + 1);
        const options = { transposeA: c.transposeA, transposeB: c.transposeB };
        const expected = nn.cpu.matmul(a, aShape, b, bShape, options);
        const at = ctx.tensor(a, aShape);
        const bt = ctx.tensor(b, bShape);
        for (const variant of variants) {
          ctx.setKernelVariant('matmul', variant);
          const out = ctx.matmul(at, bt, options);
          const actual = await out.read();
          out.destroy();
          results.push({
            label: `${c.label} [${c.batch}x] ${c.m}x${c.k}x${c.n} tA=${c.transposeA} tB=${c.transposeB} a${aShape.length}D b${bShape.length}D ${variant}`,
            ran: ctx.lastKernelVariant('matmul'),
            variant,
            shape: out.shape,
            // f32 accumulation in any order: for unit-scale inputs and K <= 300 the error is
            // about sqrt(K) * 2^-24 * |row| * |column| (~1e-5); 1e-4 is the bound.
            comparison: util.compare(actual, expected, 1e-4, 0),
          });
        }
        at.destroy();
        bt.destroy();
      }
      ctx.setKernelVariant('matmul', 'auto');
      return results;
    },
    { cases, variants: VARIANTS, seed },
  );
}

function check(results: Awaited<ReturnType<typeof runCases>>, cases: Case[]) {
  expect(results.length).toBe(cases.length * VARIANTS.length);
  for (const r of results) {
    if (r.variant !== 'auto') expect(r.ran, r.label).toBe(r.variant);
    expectClose(r.label, r.comparison);
  }
}

describe('matmul on webgpu, every GEMM variant against cpu.matmul', () => {
  it('edge shapes: 1, non-multiples of 4 and of the tiles, K = 0, batches, shared operands', async () => {
    check(await runCases(EDGE_CASES, 1000), EDGE_CASES);
  });

  it('seeded random shapes (each dimension 1..300, transposes, batches)', async () => {
    const cases = randomCases(12, 77);
    check(await runCases(cases, 2000), cases);
  });

  it('gives the right output shapes, and an empty output for M = 0', async () => {
    const shapes = await gpu.run(async () => {
      const ctx = (window as unknown as { ctx: Ctx }).ctx;
      const a = ctx.tensor(new Float32Array(0), [0, 4]);
      const b = ctx.tensor(new Float32Array(8), [4, 2]);
      const empty = ctx.matmul(a, b);
      const data = await empty.read();
      const batched = ctx.matmul(ctx.tensor(new Float32Array(24), [2, 3, 4]), ctx.tensor(new Float32Array(6), [2, 3]), { transposeA: true, transposeB: true });
      const result = { empty: empty.shape, length: data.length, batched: batched.shape };
      for (const t of [a, b, empty, batched]) t.destroy();
      return result;
    });
    expect(shapes).toEqual({ empty: [0, 2], length: 0, batched: [2, 4, 2] });
  });

  it('folds grids past the per-dimension workgroup limit into 2-D and 3-D (every variant)', async () => {
    // Past 65535 workgroups a dispatch needs 65536 tiles (16 x 64 lanes tiles, or 32 x 32 / 64 x 64
    // tiled ones), which costs SwiftShader seconds to minutes: too slow for a test. The folding is the
    // same arithmetic at any limit, so the device here reports a limit of 7 workgroups per
    // dimension and the grids below fold into 2-D (up to 49) and 3-D (more).
    const results = await gpu.run(async (nn, util) => {
      const adapter = (await navigator.gpu.requestAdapter())!;
      const device = await adapter.requestDevice({ requiredFeatures: adapter.features.has('subgroups') ? ['subgroups'] : [] });
      const limits: Record<string, unknown> = {};
      for (const key in device.limits) limits[key] = (device.limits as unknown as Record<string, unknown>)[key];
      limits.maxComputeWorkgroupsPerDimension = 7;
      const small = new Proxy(device, {
        get(target, prop) {
          if (prop === 'limits') return limits;
          const value = Reflect.get(target, prop, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
      const ctx = await nn.createContext({ device: small });
      const limit = (ctx as unknown as { gpu: { limits: GPUSupportedLimits } }).gpu.limits.maxComputeWorkgroupsPerDimension;
      const out = [];
      // One workgroup per tile, and here one tile per batch entry.
      const cases = [['lanes-texture', 120], ['lanes', 40], ['lanes', 120], ['lanes-transposed', 120], ['tiled-64', 40], ['tiled-64', 120], ['tiled-32', 120]] as const;
      for (const [variant, batch] of cases) {
        const a = util.randomArray(batch * 2 * 3, batch);
        const b = util.randomArray(3 * 2, 7);
        ctx.setKernelVariant('matmul', variant);
        const c = ctx.matmul(ctx.tensor(a, [batch, 2, 3]), ctx.tensor(b, [3, 2]));
        const expected = nn.cpu.matmul(a, [batch, 2, 3], b, [3, 2]);
        out.push({ label: `${variant} batch ${batch}`, variant, ran: ctx.lastKernelVariant('matmul'), comparison: util.compare(await c.read(), expected, 1e-6, 0) });
      }
      ctx.destroy();
      device.destroy();
      return { limit, out };
    });
    expect(results.limit).toBe(7);
    for (const r of results.out) {
      expect(r.ran).toBe(r.variant);
      expectClose(`folded grid ${r.label}`, r.comparison);
    }
  });

  it('multiplies 70000-row operands (every variant)', async () => {
    const results = await gpu.run(async (nn, util, variants) => {
      const ctx = (window as unknown as { ctx: Ctx }).ctx;
      const [m, k, n] = [70_000, 33, 7];
      const a = util.randomArray(m * k, 11);
      const b = util.randomArray(k * n, 12);
      const expected = nn.cpu.matmul(a, [m, k], b, [k, n]);
      const at = ctx.tensor(a, [m, k]);
      const bt = ctx.tensor(b, [k, n]);
      const out = [];
      for (const variant of variants) {
        ctx.setKernelVariant('matmul', variant);
        const c = ctx.matmul(at, bt);
        out.push({ variant, comparison: util.compare(await c.read(), expected, 1e-4, 0) });
        c.destroy();
      }
      at.destroy();
      bt.destroy();
      ctx.setKernelVariant('matmul', 'auto');
      return out;
    }, VARIANTS);
    for (const r of results) expectClose(`70000 rows ${r.variant}`, r.comparison);
  });

  it('splits operands larger than a storage binding into ranges of rows or batch entries on a device at default limits', async () => {
    const r = await gpu.run(async (nn, util) => {
      const device = await util.sharedDevice('default');
      const ctx = await nn.createContext({ device });
      const binding = device.limits.maxStorageBufferBindingSize;
      const out = [];
      // Against 128 MiB bindings: in ranges of rows, A of 135 MB (2-D, and batched with a shared
      // B) and an output of 134 MB; in ranges of batch entries, a batched B of 135 MB and a
      // batched A of 135 MB read transposed. K <= 300, or B in [-0.1, 0.1]: the f32 sums stay
      // near 1.
      for (const [aShape, bShape, scale, transposeA] of [
        [[33000, 1024], [1024, 3], 0.1, false],
        [[3, 11000, 1024], [1024, 5], 0.1, false],
        [[70000, 8], [8, 500], 1, false],
        [[3, 8, 1024], [3, 1024, 11000], 0.1, false],
        [[3, 1024, 11000], [1024, 8], 0.1, true],
      ] as [number[], number[], number, boolean][]) {
        const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
        const a = util.randomArray(size(aShape), size(aShape) % 1009);
        const b = util.randomArray(size(bShape), 7, -scale, scale);
        const at = ctx.tensor(a, aShape);
        const bt = ctx.tensor(b, bShape);
        const c = ctx.matmul(at, bt, { transposeA });
        const ref = nn.cpu.matmul(a, aShape, b, bShape, { transposeA });
        const bytes = Math.max(size(aShape), size(bShape), size(c.shape as number[])) * 4;
        out.push({ label: `[${aShape}]${transposeA ? '^T' : ''} x [${bShape}]`, bytes, cmp: util.compare(await c.read(), ref, 1e-4, 0) });
        for (const t of [at, bt, c]) t.destroy();
      }
      // Refused, naming the operand and both sizes: a 2-D A stored [K, M] (no contiguous ranges
      // of rows), and batch entries of 308000-byte outputs (a range must start at a multiple of
      // 256 bytes: every 8 entries, and 8 entries of B do not fit one binding).
      const a = ctx.tensor(new Float32Array(33000 * 1024), [33000, 1024]);
      const b = ctx.tensor(new Float32Array(33000), [33000, 1]);
      const bBatched = ctx.tensor(new Float32Array(3 * 1024 * 11000), [3, 1024, 11000]);
      const refused = [
        util.thrown(() => ctx.matmul(a, b, { transposeA: true })),
        util.thrown(() => ctx.matmul(ctx.tensor(new Float32Array(3 * 7 * 1024), [3, 7, 1024]), bBatched)),
      ];
      const live = ctx.memory().tensors;
      ctx.destroy();
      return { binding, out, refused, live };
    });
    for (const c of r.out) {
      expect(c.bytes, c.label).toBeGreaterThan(r.binding);
      expectClose(`${c.label} in ranges of rows`, c.cmp);
    }
    expect(r.refused).toEqual([
      "SizeLimitError: matmul: a needs 135168000 bytes, over the device's maxStorageBufferBindingSize of 134217728 bytes",
      "SizeLimitError: matmul: b needs 135168000 bytes, over the device's maxStorageBufferBindingSize of 134217728 bytes, and it cannot be split into ranges of rows or batch entries that start aligned in every operand",
    ]);
    // Only the inputs of the refused calls are alive: no output was left behind.
    expect(r.live).toBe(4);
  });

  it('rejects mismatched shapes before recording anything', async () => {
    const r = await gpu.run(async () => {
      const ctx = (window as unknown as { ctx: Ctx }).ctx;
      const a = ctx.tensor(new Float32Array(6), [2, 3]);
      const b = ctx.tensor(new Float32Array(20), [4, 5]);
      const before = ctx.memory();
      let error = '';
      try {
        ctx.matmul(a, b);
      } catch (e) {
        error = `${(e as Error).name}: ${(e as Error).message}`;
      }
      const after = ctx.memory();
      await ctx.flush();
      a.destroy();
      b.destroy();
      return { error, before, after };
    });
    expect(r.error).toBe('ShapeError: matmul: inner dimensions do not match: a [2, 3] has 3 columns but b [4, 5] has 4 rows');
    expect(r.after).toEqual(r.before);
  });
});
