/**
 * The lean entry (src/core.ts, `webgpu-nn/core`): a context without op methods and every op as a
 * function, computing what the main entry's methods compute (they delegate to the same functions).
 */
import { describe, expect, it } from 'vitest';
import * as core from '../src/core';
import { createContext as createMainContext } from '../src/index';

describe('webgpu-nn/core', () => {
  it('creates a context without op methods', async () => {
    const ctx = await core.createContext({ backend: 'cpu' });
    expect(ctx).toBeInstanceOf(core.CoreContext);
    for (const method of ['softmax', 'matmul', 'dense', 'denseBackward', 'logSoftmax', 'softmaxCrossEntropy']) expect(method in ctx).toBe(false);
    expect(ctx.backend).toBe('cpu');
    ctx.destroy();
  });

  it('runs every op as a function, as the main entry runs it as a method', async () => {
    const lean = await core.createContext({ backend: 'cpu' });
    const main = await createMainContext({ backend: 'cpu' });
    type Main = typeof main;
    // The main entry's methods, in the functions' shape.
    const methods = {
      softmax: (ctx: Main, x: core.Tensor) => ctx.softmax(x),
      logSoftmax: (ctx: Main, x: core.Tensor) => ctx.logSoftmax(x),
      softmaxVjp: (ctx: Main, s: core.Tensor, dy: core.Tensor) => ctx.softmaxVjp(s, dy),
      logSoftmaxVjp: (ctx: Main, lp: core.Tensor, dy: core.Tensor) => ctx.logSoftmaxVjp(lp, dy),
      matmul: (ctx: Main, a: core.Tensor, b: core.Tensor) => ctx.matmul(a, b),
      dense: (ctx: Main, x: core.Tensor, w: core.Tensor, b: null, act: 'sigmoid') => ctx.dense(x, w, b, act),
      denseBackward: (ctx: Main, args: core.DenseBackwardArgs) => ctx.denseBackward(args),
      softmaxJacobian: (ctx: Main, x: core.Tensor) => ctx.softmaxJacobian(x),
      softmaxJacobianFromProbs: (ctx: Main, s: core.Tensor) => ctx.softmaxJacobianFromProbs(s),
      softmaxCrossEntropy: (ctx: Main, l: core.Tensor, y: core.Tensor) => ctx.softmaxCrossEntropy(l, y),
    };
    const run = async <C extends core.CoreContext>(ctx: C, ops: { [K in keyof typeof methods]: (ctx: C, ...args: never[]) => unknown }) => {
      const o = ops as unknown as typeof core;
      const c = ctx as core.CoreContext;
      const t = c.tensor([[1, 2, 3, 4], [0, -Infinity, 5, 5]]);
      const finite = c.tensor([[1, 2, 3, 4], [0, 1, 5, 5]]);
      const weights = c.tensor([[1, 0], [0, 1], [1, 1], [0.5, -1]]);
      const y = o.dense(c, finite, weights, null, 'sigmoid');
      const s = o.softmax(c, t);
      const results = [
        s,
        o.logSoftmax(c, t),
        o.softmaxVjp(c, s, finite),
        o.logSoftmaxVjp(c, o.logSoftmax(c, finite), finite),
        o.matmul(c, finite, weights),
        y,
        o.denseBackward(c, { x: finite, w: weights, y, dy: c.tensor([[1, 0], [0, 1]]), activation: 'sigmoid', hasBias: false }).dw,
        o.softmaxJacobian(c, finite),
        o.softmaxJacobianFromProbs(c, s),
        o.softmaxCrossEntropy(c, finite, c.tensor(new Int32Array([2, 3]))).grad,
      ];
      return Promise.all(results.map(async (r) => Array.from(await r.read())));
    };
    const viaFunctions = await run(lean, core);
    expect(await run(main, methods)).toEqual(viaFunctions);
    // softmax of [0, -Infinity, 5, 5]: the masked entry is exactly 0, the row sums to 1.
    const row = viaFunctions[0].slice(4);
    expect(row[1]).toBe(0);
    expect(row.reduce((a, b) => a + b)).toBeCloseTo(1, 6);
    lean.destroy();
    main.destroy();
  });

  it('checks arguments with the same typed errors', async () => {
    const ctx = await core.createContext({ backend: 'cpu' });
    expect(() => core.softmax(ctx, [1, 2] as never)).toThrow(core.ArgumentError);
    expect(() => core.softmax(ctx, [1, 2] as never)).toThrow('softmax: x must be a Tensor');
    expect(() => core.matmul(ctx, ctx.tensor([[1, 2]]), ctx.tensor([[1, 2]]))).toThrow(core.ShapeError);
    ctx.destroy();
    expect(() => core.softmax(ctx, ctx.tensor([1]))).toThrow('the context was destroyed');
  });
});
