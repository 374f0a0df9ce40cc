/**
 * softmax on WebGPU against the CPU reference, for every kernel variant, over the inputs that
 * break softmax kernels: peaked and huge logits, -Inf masks, +Inf, NaN, row lengths that are not
 * multiples of 4 or of the workgroup size, one column, very long rows, many rows, other axes.
 *
 * Tolerance: |gpu - ref| <= 1e-6 + 1e-5 * |ref|. Probabilities are <= 1, and WGSL's exp is
 * accurate to a few ULP, so 1e-6 absolute is what the issue asks for against float64; the small
 * relative term covers the reduction order of the normalizer for probabilities near 1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, expectClose, type GpuPage } from './page';
import { decode } from '../util/compare';

const ATOL = 1e-6;
const RTOL = 1e-5;

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPage();
});
afterAll(async () => {
  await gpu?.close();
});

// rows-split runs only where it splits rows (fewer than 8 long rows): its own tests below.
const VARIANTS = ['lines', 'rows-vec4', 'subgroup', 'workgroup'];

describe.each(VARIANTS)('softmax variant %s', (variant) => {
  it('gives the documented results for special values', async () => {
    const r = await gpu.run(
      async (nn, util, { variant }) => {
        const ctx = await nn.createContext({ device: await util.sharedDevice('raised') });
        ctx.setKernelVariant('softmax', variant);
        const I = Infinity;
        // Rows of 4 so that the vec4 variant can run them all.
        const rows = [
          [1000, 1000, -I, -I],
          [1e30, 0, -I, -I],
          [1, 2, -I, 3],
          [-I, -I, -I, -I],
          [I, 0, I, -I],
          [1, NaN, 2, 3],
          [NaN, I, -I, 0],
          [-1000, 1000, -1000, 1000],
          [3.4e38, -3.4e38, 0, 1],
        ];
        const x = ctx.tensor(rows);
        const y = ctx.softmax(x);
        const out = util.encode(await y.read());
        const ran = ctx.lastKernelVariant('softmax');
        ctx.destroy();
        return { out, ran };
      },
      { variant },
    );
    expect(r.ran).toBe(variant);
    const out = decode(r.out);
    const rows = [];
    for (let i = 0; i < out.length; i += 4) rows.push(out.slice(i, i + 4));
    expect(rows[0]).toEqual([0.5, 0.5, 0, 0]);
    expect(rows[1]).toEqual([1, 0, 0, 0]);
    const e = [Math.exp(1), Math.exp(2), 0, Math.exp(3)];
    const sum = e[0] + e[1] + e[3];
    rows[2].forEach((v, i) => expect(v).toBeCloseTo(e[i] / sum, 6));
    expect(rows[3]).toEqual([0, 0, 0, 0]);
    expect(rows[4]).toEqual([0.5, 0, 0.5, 0]);
    expect(rows[5].every(Number.isNaN)).toBe(true);
    expect(rows[6].every(Number.isNaN)).toBe(true);
    expect(rows[7]).toEqual([0, 0.5, 0, 0.5]);
    expect(rows[8]).toEqual([1, 0, 0, 0]);
  });

  it('matches the CPU reference over row lengths and random data', async () => {
    const results = await gpu.run(
      async (nn, util, { variant, atol, rtol }) => {
        const ctx = await nn.createContext({ device: await util.sharedDevice('raised') });
        ctx.setKernelVariant('softmax', variant);
        const out = [];
        const cases = [
          [5, 1], [7, 3], [9, 4], [3, 5], [64, 12], [65, 17], [33, 31], [4, 64], [2, 255], [3, 256],
          [2, 1023], [2, 1024], [1, 1025], [130, 100], [1, 65536],
        ];
        for (const [rows, cols] of cases) {
          const n = rows * cols;
          const data = util.randomArray(n, rows * 7919 + cols, -20, 20);
          // Peaked rows and masks mixed in: every third row gets a -Inf mask on its even entries,
          // every fifth a dominant logit.
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++) {
              if (r % 3 === 1 && c % 2 === 0 && c < cols - 1) data[r * cols + c] = -Infinity;
              if (r % 5 === 2 && c === cols >> 1) data[r * cols + c] = 90;
            }
          }
          const y = ctx.softmax(ctx.tensor(data, [rows, cols]));
          const got = await y.read();
          const ref = nn.cpu.softmax(data, [rows, cols]);
          let worstRowSum = 0;
          for (let r = 0; r < rows; r++) {
            let s = 0;
            for (let c = 0; c < cols; c++) s += got[r * cols + c];
            worstRowSum = Math.max(worstRowSum, Math.abs(s - 1));
          }
          out.push({ shape: [rows, cols], ran: ctx.lastKernelVariant('softmax'), cmp: util.compare(got, ref, atol, rtol), worstRowSum });
        }
        ctx.destroy();
        return out;
      },
      { variant, atol: ATOL, rtol: RTOL },
    );
    for (const r of results) {
      expectClose(`softmax ${variant} [${r.shape}] (ran ${r.ran})`, r.cmp);
      expect(r.worstRowSum, `row sums of [${r.shape}]`).toBeLessThan(1e-5);
    }
  });
});

describe('softmax on webgpu', () => {
  it('handles very long rows (1 << 20 entries) with the default rule and the workgroup kernel', async () => {
    const results = await gpu.run(
      async (nn, util, { atol, rtol }) => {
        const ctx = await nn.createContext({ device: await util.sharedDevice('raised') });
        const cols = 1 << 20;
        const data = util.randomArray(2 * cols, 42, -30, 30);
        const ref = nn.cpu.softmax(data, [2, cols]);
        const x = ctx.tensor(data, [2, cols]);
        const out = [];
        for (const variant of ['auto', 'workgroup']) {
          ctx.setKernelVariant('softmax', variant);
          const got = await ctx.softmax(x).read();
          const rowSums = [0, 1].map((r) => got.subarray(r * cols, (r + 1) * cols).reduce((a, b) => a + b, 0));
          out.push({ variant: ctx.lastKernelVariant('softmax'), cmp: util.compare(got, ref, atol, rtol), rowSums });
        }
        ctx.destroy();
        return out;
      },
      { atol: ATOL, rtol: RTOL },
    );
    for (const r of results) {
      expectClose(`softmax [2, 1<<20] ${r.variant}`, r.cmp);
      for (const sum of r.rowSums) expect(Math.abs(sum - 1), `row sum with ${r.variant}`).toBeLessThan(1e-5);
    }
  });

  it('rows-split (a few long rows cut into segments) matches the CPU reference, with special values in different segments of a row', async () => {
    const results = await gpu.run(
      async (nn, util, { atol, rtol }) => {
        const ctx = await nn.createContext({ device: await util.sharedDevice('raised') });
        // 7 rows of 4096: 5 segments of 205 vec4s (the last 204), so the entries set below fall
        // in different segments than the rows' other extremes.
        const [rows, cols] = [7, 4096];
        const data = util.randomArray(rows * cols, 99, -10, 10);
        const set = (r: number, c: number, v: number) => (data[r * cols + c] = v);
        set(0, 3000, NaN); // NaN in one segment: the whole row is NaN
        set(1, 10, Infinity); set(1, 4000, Infinity); // +Inf in two segments share the row
        for (let c = 0; c < cols; c++) set(2, c, -Infinity); // a row of only -Inf gives zeros
        for (let c = 0; c < cols; c++) set(3, c, c === 2000 ? 5 : -Infinity); // one finite entry
        set(4, 100, 1000); set(4, 3900, 1000); // two peaks in far-apart segments
        for (let c = 0; c < cols; c += 2) set(5, c, -Infinity); // a mask over every segment
        set(6, 4095, 88); // the max in the last, shorter segment
        const ref = nn.cpu.softmax(data, [rows, cols]);
        ctx.setKernelVariant('softmax', 'rows-split');
        const got = await ctx.softmax(ctx.tensor(data, [rows, cols])).read();
        const ran = ctx.lastKernelVariant('softmax');
        // Random rows, masks and peaks: 2 segments of 64 vec4s, 4 of 64, 7 of 147 (the last 143).
        const random = [];
        for (const [r, c] of [[1, 512], [3, 1024], [5, 4100]]) {
          const d = util.randomArray(r * c, r + c, -20, 20);
          for (let i = 0; i < d.length; i += 7) d[i] = -Infinity;
          d[c - 1] = 60;
          const y = await ctx.softmax(ctx.tensor(d, [r, c])).read();
          random.push({ shape: [r, c], ran: ctx.lastKernelVariant('softmax'), cmp: util.compare(y, nn.cpu.softmax(d, [r, c]), atol, rtol) });
        }
        ctx.destroy();
        return { ran, cmp: util.compare(got, ref, atol, rtol), peaks: [got[4 * cols + 100], got[4 * cols + 3900]], random };
      },
      { atol: ATOL, rtol: RTOL },
    );
    expect(results.ran).toBe('rows-split');
    expectClose('softmax rows-split, specials across segments', results.cmp);
    expect(results.peaks).toEqual([0.5, 0.5]);
    for (const r of results.random) {
      expect(r.ran).toBe('rows-split');
      expectClose(`softmax rows-split [${r.shape}]`, r.cmp);
    }
  });

  it('handles a million rows, folding grids over 65535 workgroups', async () => {
    const results = await gpu.run(
      async (nn, util, { atol, rtol }) => {
        const ctx = await nn.createContext({ device: await util.sharedDevice('raised') });
        const out = [];
        // [1e6, 3] runs one invocation per row; [5e6, 1] needs 78125 workgroups of 64; the
        // subgroup kernel runs one workgroup per row, so 1e6 rows fold into a 2-D grid.
        for (const [rows, cols, variant] of [[1_000_000, 3, 'auto'], [5_000_000, 1, 'lines'], [1_000_000, 4, 'subgroup']] as const) {
          ctx.setKernelVariant('softmax', variant);
          const data = util.randomArray(rows * cols, rows + cols, -5, 5);
          const got = await ctx.softmax(ctx.tensor(data, [rows, cols])).read();
          const ref = nn.cpu.softmax(data, [rows, cols]);
          out.push({ shape: [rows, cols], variant: ctx.lastKernelVariant('softmax'), cmp: util.compare(got, ref, atol, rtol) });
          ctx.tidy(() => undefined);
        }
        ctx.destroy();
        return out;
      },
      { atol: ATOL, rtol: RTOL },
    );
    for (const r of results) expectClose(`softmax [${r.shape}] ${r.variant}`, r.cmp);
  });

  it('takes any axis, on the GPU', async () => {
    const results = await gpu.run(
      async (nn, util, { atol, rtol }) => {
        const ctx = await nn.createContext({ device: await util.sharedDevice('raised') });
        const out = [];
        for (const [shape, axis] of [
          [[4, 5, 6], 0], [[4, 5, 6], 1], [[4, 5, 6], -1], [[4, 5, 6], -3], [[7, 33], 0], [[1, 9, 1], 1],
          [[2, 3, 4, 5], 2], [[300, 3], 0], [[13], 0],
        ] as [number[], number][]) {
          const n = shape.reduce((a, b) => a * b, 1);
          const data = util.randomArray(n, n + axis, -10, 10);
          data[1] = -Infinity;
          const got = await ctx.softmax(ctx.tensor(data, shape), axis).read();
          out.push({ shape, axis, variant: ctx.lastKernelVariant('softmax'), cmp: util.compare(got, nn.cpu.softmax(data, shape, axis), atol, rtol) });
        }
        ctx.destroy();
        return out;
      },
      { atol: ATOL, rtol: RTOL },
    );
    for (const r of results) expectClose(`softmax [${r.shape}] axis ${r.axis} (${r.variant})`, r.cmp);
    expect(results[0].variant).toBe('lines');
  });

  it('matches the CPU reference on seeded random shapes', async () => {
    const results = await gpu.run(
      async (nn, util, { atol, rtol }) => {
        const ctx = await nn.createContext({ device: await util.sharedDevice('raised') });
        const dims = util.randomArray(60, 2024, 0, 1);
        const out = [];
        for (let i = 0; i < 20; i++) {
          const rank = 1 + Math.floor(dims[3 * i] * 3);
          const shape = Array.from({ length: rank }, (_, k) => 1 + Math.floor(dims[(3 * i + k + 1) % 60] * (rank === 1 ? 3000 : 40)));
          const axis = -1 - Math.floor(dims[3 * i + 2] * rank);
          const n = shape.reduce((a, b) => a * b, 1);
          const data = util.randomArray(n, 100 + i, -50, 50);
          const got = await ctx.softmax(ctx.tensor(data, shape), axis).read();
          out.push({ shape, axis, cmp: util.compare(got, nn.cpu.softmax(data, shape, axis), atol, rtol) });
        }
        ctx.destroy();
        return out;
      },
      { atol: ATOL, rtol: RTOL },
    );
    for (const r of results) expectClose(`softmax [${r.shape}] axis ${r.axis}`, r.cmp);
  });

  it('chains ops on the GPU and handles empty tensors', async () => {
    const r = await gpu.run(async (nn, util) => {
      const ctx = await nn.createContext({ device: await util.sharedDevice('raised') });
      const x = ctx.tensor([[0, Math.log(3)], [5, 5]]);
      const twice = Array.from(await ctx.softmax(ctx.softmax(x)).read());
      const empty = ctx.softmax(ctx.tensor(new Float32Array(0), [0, 5]));
      const emptyOut = await empty.read();
      ctx.destroy();
      return { twice, empty: { shape: empty.shape, length: emptyOut.length } };
    });
    const a = [Math.exp(0.25) / (Math.exp(0.25) + Math.exp(0.75)), Math.exp(0.75) / (Math.exp(0.25) + Math.exp(0.75))];
    expect(r.twice[0]).toBeCloseTo(a[0], 6);
    expect(r.twice[1]).toBeCloseTo(a[1], 6);
    expect(r.twice.slice(2)).toEqual([0.5, 0.5]);
    expect(r.empty).toEqual({ shape: [0, 5], length: 0 });
  });

  it('splits tensors larger than a storage binding into chunks on a device at default limits', async () => {
    const r = await gpu.run(
      async (nn, util, { atol, rtol }) => {
        const device = await util.sharedDevice('default');
        const ctx = await nn.createContext({ device });
        const binding = device.limits.maxStorageBufferBindingSize;
        const out = [];
        // 164 MB and 160 MB tensors against 128 MiB bindings: rows of the last axis (rows-vec4,
        // and logSoftmax) and a middle axis (lines, chunks of outer slices).
        for (const [shape, axis, op] of [
          [[40000, 1027], -1, 'softmax'],
          [[40000, 1024], -1, 'softmax'],
          [[4, 100, 100000], 1, 'softmax'],
          [[40000, 1024], -1, 'logSoftmax'],
        ] as [number[], number, 'softmax' | 'logSoftmax'][]) {
          const n = shape.reduce((a, b) => a * b, 1);
          const data = util.randomArray(n, n % 977, -20, 20);
          const x = ctx.tensor(data, shape);
          const y = op === 'softmax' ? ctx.softmax(x, axis) : ctx.logSoftmax(x, axis);
          const got = await y.read();
          const ref = op === 'softmax' ? nn.cpu.softmax(data, shape, axis) : nn.cpu.logSoftmax(data, shape, axis);
          out.push({ shape, axis, op, bytes: n * 4, variant: ctx.lastKernelVariant(op), cmp: util.compare(got, ref, atol, op === 'softmax' ? rtol : 1e-5) });
          x.destroy();
          y.destroy();
        }
        const tooLong = util.thrown(() => ctx.softmax(ctx.tensor(new Float32Array(40_000_000), [1, 40_000_000])));
        const live = ctx.memory().tensors;
        ctx.destroy();
        return { binding, out, tooLong, live };
      },
      { atol: ATOL, rtol: RTOL },
    );
    for (const c of r.out) {
      expect(c.bytes).toBeGreaterThan(r.binding);
      expectClose(`${c.op} [${c.shape}] axis ${c.axis} (${c.variant}) in chunks`, c.cmp);
    }
    expect(r.tooLong).toBe(
      'SizeLimitError: softmax: one slice of 40000000 elements (160000000 bytes) along the reduced axis does not fit the device\'s maxStorageBufferBindingSize of 134217728 bytes',
    );
    // Only the input of the refused call is alive: no output was left behind.
    expect(r.live).toBe(1);
  });
});
