/**
 * Every activation on every GPU path at pre-activations where a careless formula overflows
 * (+-50, +-100, +-1000), and leakyRelu (with its default and a given alpha), gelu and swish through ctx.dense,
 * ctx.denseBackward, the Dense and Activation layers, both fused trainers and the layer-wise
 * path, each against the CPU reference.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPageWithContext, expectClose, type Ctx, type GpuPage } from './page';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPageWithContext();
});
afterAll(async () => {
  await gpu?.close();
});

// The GEMM kernels that apply an activation, each once: the lanes epilogue (lanes-texture runs the
// same epilogue, and only on larger products) in both orientations, with the element-wise kernel
// forming dz for its backward pass; the tiled epilogue and its fused derivative (tiled-32 is the
// same WGSL at another tile size).
const VARIANTS = ['lanes', 'lanes-transposed', 'tiled-64'];
/** An activation with the options ctx.dense takes for it. */
const ACTIVATIONS: { label: string; options: { activation: string; alpha?: number; approximate?: boolean } }[] = [
  { label: 'linear', options: { activation: 'linear' } },
  { label: 'sigmoid', options: { activation: 'sigmoid' } },
  { label: 'relu', options: { activation: 'relu' } },
  { label: 'tanh', options: { activation: 'tanh' } },
  { label: 'softmax', options: { activation: 'softmax' } },
  { label: 'leakyRelu', options: { activation: 'leakyRelu' } },
  { label: 'leakyRelu alpha 0.1', options: { activation: 'leakyRelu', alpha: 0.1 } },
  { label: 'elu', options: { activation: 'elu' } },
  { label: 'elu alpha 0.5', options: { activation: 'elu', alpha: 0.5 } },
  { label: 'softplus', options: { activation: 'softplus' } },
  { label: 'gelu', options: { activation: 'gelu' } },
  { label: 'gelu approximate', options: { activation: 'gelu', approximate: true } },
  { label: 'swish', options: { activation: 'swish' } },
];

describe('edge pre-activations on every GEMM variant', () => {
  // x [rows, 1] holds the magnitudes and w [1, 3] = [1, -1, 0.02], so each row's pre-activations
  // are v, -v and v / 50 exactly: +-50, +-100, +-1000 (and small values beside them).
  it.each(ACTIVATIONS)('$label: dense and denseBackward equal the CPU reference', async ({ options }) => {
    const results = await gpu.run(
      async (nn, util, { options, variants }) => {
        const ctx = (window as unknown as { ctx: Ctx }).ctx;
        const magnitudes = [50, 100, 1000, 0.5, -3];
        const [batch, inputs, units] = [magnitudes.length, 1, 3];
        const x = new Float32Array(magnitudes);
        const w = new Float32Array([1, -1, 0.02]);
        const b = new Float32Array([0, 0, 0.25]);
        const dy = util.randomArray(batch * units, 7);
        const opts = options as { activation: 'linear'; alpha?: number };
        const y = nn.cpu.dense(x, [batch, inputs], w, [inputs, units], b, opts);
        // gelu's and swish's backward passes read the pre-activation z.
        const z = nn.cpu.dense(x, [batch, inputs], w, [inputs, units], b);
        const readsZ = options.activation === 'gelu' || options.activation === 'swish';
        const grads = nn.cpu.denseBackward({ x, xShape: [batch, inputs], w, wShape: [inputs, units], y, dy, ...opts, ...(readsZ ? { z } : {}) });
        const [xt, wt, bt, yt, dyt, zt] = [ctx.tensor(x, [batch, inputs]), ctx.tensor(w, [inputs, units]), ctx.tensor(b), ctx.tensor(y, [batch, units]), ctx.tensor(dy, [batch, units]), ctx.tensor(z, [batch, units])];
        const out = [];
        for (const variant of variants) {
          ctx.setKernelVariant('dense', variant);
          ctx.setKernelVariant('denseBackward', variant);
          const yg = ctx.dense(xt, wt, bt, opts);
          const g = ctx.denseBackward({ x: xt, w: wt, y: yt, dy: dyt, ...opts, ...(readsZ ? { z: zt } : {}) });
          const [yRead, dx, dw, db] = [await yg.read(), await g.dx.read(), await g.dw.read(), await g.db!.read()];
          out.push({
            variant,
            ran: [ctx.lastKernelVariant('dense'), ctx.lastKernelVariant('denseBackward')],
            finite: [yRead, dx, dw, db].every((a) => Array.from(a).every(Number.isFinite)),
            y: util.compare(yRead, y, 1e-5, 1e-4),
            dx: util.compare(dx, grads.dx, 1e-5, 1e-4),
            dw: util.compare(dw, grads.dw, 1e-5, 1e-4),
            db: util.compare(db, grads.db!, 1e-5, 1e-4),
          });
          for (const t of [yg, g.dx, g.dw, g.db]) t?.destroy();
        }
        for (const t of [xt, wt, bt, yt, dyt, zt]) t.destroy();
        ctx.setKernelVariant('dense', 'auto');
        ctx.setKernelVariant('denseBackward', 'auto');
        return out;
      },
      { options, variants: VARIANTS },
    );
    expect(results.length).toBe(VARIANTS.length);
    for (const r of results) {
      expect(r.ran, r.variant).toEqual([r.variant, r.variant]);
      expect(r.finite, r.variant).toBe(true);
      expectClose(`y ${r.variant}`, r.y);
      expectClose(`dx ${r.variant}`, r.dx);
      expectClose(`dw ${r.variant}`, r.dw);
      expectClose(`db ${r.variant}`, r.db);
    }
  });
});

describe('leakyRelu', () => {
  it('alpha defaults to 0.2, and a given alpha is used', async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = (window as unknown as { ctx: Ctx }).ctx;
      const x = ctx.tensor([[-2, 3]]);
      const w = ctx.tensor([[1, 0], [0, 1]]);
      const out = {
        byName: Array.from(await ctx.dense(x, w, null, 'leakyRelu').read()),
        byDefault: Array.from(await ctx.dense(x, w, null, { activation: 'leakyRelu' }).read()),
        given: Array.from(await ctx.dense(x, w, null, { activation: 'leakyRelu', alpha: 0.1 }).read()),
      };
      return out;
    });
    expect(r.byName[0]).toBeCloseTo(-0.4, 6);
    expect(r.byDefault[0]).toBeCloseTo(-0.4, 6);
    expect(r.given[0]).toBeCloseTo(-0.2, 6);
    expect([r.byName[1], r.byDefault[1], r.given[1]]).toEqual([3, 3, 3]);
  });

  it('rejects a bad alpha, and alpha with another activation', async () => {
    const r = await gpu.run(async () => {
      const ctx = (window as unknown as { ctx: Ctx }).ctx;
      const x = ctx.tensor([[1]]);
      const w = ctx.tensor([[1]]);
      const message = (f: () => unknown) => {
        try {
          f();
          return 'no error';
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      };
      return [
        message(() => ctx.dense(x, w, null, { activation: 'leakyRelu', alpha: -1 })),
        message(() => ctx.dense(x, w, null, { activation: 'leakyRelu', alpha: Number.NaN })),
        message(() => ctx.dense(x, w, null, { activation: 'relu', alpha: 0.1 })),
        message(() => ctx.dense(x, w, null, { activation: 'relu', slope: 0.1 } as never)),
        message(() => ctx.denseBackward({ x, w, y: x, dy: x, activation: 'tanh', alpha: 0.1 })),
      ];
    });
    expect(r).toEqual([
      'ArgumentError: dense: options.alpha must be a finite number >= 0, got -1',
      'ArgumentError: dense: options.alpha must be a finite number >= 0, got NaN',
      "ArgumentError: dense: options.alpha is a parameter of the 'leakyRelu' and 'elu' activations, got it with 'relu'",
      "ArgumentError: dense: unknown option 'slope' (known options: 'activation', 'alpha', 'approximate')",
      "ArgumentError: denseBackward: alpha is a parameter of the 'leakyRelu' and 'elu' activations, got it with 'tanh'",
    ]);
  });
});

// Each fit on the three GPU paths and the cpu backend from the same seed; weights compared with
// the training tests' tolerance, |gpu - cpu| <= 1e-5 + 1e-4 |cpu|.
const FITS = ['leakyRelu-layers', 'inputs-scaled-1e3', 'gelu-swish-inputs-1e2'];

describe('training paths with leakyRelu and with large inputs agree with the cpu backend', () => {
  it.each(FITS)('%s', async (name) => {
    const r = await gpu.run(
      async (nn, util, { name }) => {
        const rows = (data: Float32Array, n: number) => Array.from({ length: data.length / n }, (_, i) => Array.from(data.slice(i * n, i * n + n)));
        const scale = name === 'inputs-scaled-1e3' ? 1e3 : name === 'gelu-swish-inputs-1e2' ? 1e2 : 1;
        const x = rows(util.randomArray(16 * 4, 21, -1, 1).map((v) => v * scale), 4);
        const y = rows(util.randomArray(16 * 2, 22, 0, 1), 2);
        const build = () =>
          name === 'leakyRelu-layers'
            ? new nn.Sequential([
                new nn.Dense({ units: 6, inputShape: [4], activation: 'leakyRelu', alpha: 0.1 }),
                new nn.Dense({ units: 5 }),
                new nn.Activation({ activation: 'leakyRelu', alpha: 0.3 }),
                new nn.Activation('leakyRelu'),
                new nn.Dense({ units: 2, activation: 'sigmoid' }),
              ])
            : name === 'gelu-swish-inputs-1e2'
              ? new nn.Sequential([
                  new nn.Dense({ units: 6, inputShape: [4], activation: 'gelu', approximate: true }),
                  new nn.Dense({ units: 5, activation: 'silu' }),
                  new nn.Dense({ units: 2, activation: 'gelu' }),
                ])
              : new nn.Sequential([
                new nn.Dense({ units: 6, inputShape: [4], activation: 'tanh' }),
                new nn.Dense({ units: 5, activation: 'leakyRelu' }),
                new nn.Dense({ units: 4, activation: 'relu' }),
                new nn.Dense({ units: 2, activation: 'sigmoid' }),
              ]);
        const gpuCtx = await nn.createContext({ backend: 'webgpu' });
        const cpuCtx = await nn.createContext({ backend: 'cpu' });
        const out: Record<string, { weights: number[]; ran: string | null }> = {};
        for (const [label, ctx, variant] of [['lanes', gpuCtx, 'fused-lanes'], ['fused', gpuCtx, 'fused-small'], ['layerwise', gpuCtx, 'layerwise'], ['cpu', cpuCtx, null]] as const) {
          if (variant) ctx.setKernelVariant('fit', variant);
          const model = build();
          model.compile({ loss: 'mse', optimizer: new nn.SGD({ learningRate: 0.1 }), seed: 42, context: ctx });
          await model.fit(x, y, { epochs: 5, batchSize: 4, seed: 5 });
          out[label] = { weights: (await model.getWeights()).map((w) => w.values).flatMap((w) => Array.from(w)), ran: ctx.lastKernelVariant('fit') };
          model.dispose();
        }
        gpuCtx.destroy();
        cpuCtx.destroy();
        return {
          ran: [out.lanes.ran, out.fused.ran, out.layerwise.ran],
          finite: ['lanes', 'fused', 'layerwise', 'cpu'].map((k) => out[k].weights.every(Number.isFinite)),
          lanes: util.compare(out.lanes.weights, out.cpu.weights, 1e-5, 1e-4),
          fused: util.compare(out.fused.weights, out.cpu.weights, 1e-5, 1e-4),
          layerwise: util.compare(out.layerwise.weights, out.cpu.weights, 1e-5, 1e-4),
        };
      },
      { name },
    );
    expect(r.ran).toEqual(['fused-lanes', 'fused-small', 'layerwise']);
    expect(r.finite).toEqual([true, true, true, true]);
    expectClose(`${name} fused-lanes weights`, r.lanes);
    expectClose(`${name} fused-small weights`, r.fused);
    expectClose(`${name} layerwise weights`, r.layerwise);
  });
});
