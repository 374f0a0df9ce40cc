/** matmul [M, K, N] (gflops) and the dense layer forward / backward [batch, inputs, units]. */
import { cpu, type Context } from '../../src/index';
import type { Row } from '../harness';
import { cpuImpl, webgpuImpl } from '../gpu-impls';
import { plainMatmul } from '../plain-js';
import { randomArray } from '../../test/util/compare';

export function matmulRows(ctx: Context, shapes: number[][]): Row[] {
  return shapes.map(([m, k, n]) => ({
    op: 'matmul',
    shape: [m, k, n],
    bytes: null,
    flops: 2 * m * k * n,
    async setup() {
      const a = randomArray(m * k, 1);
      const b = randomArray(k * n, 2);
      return [
        webgpuImpl(ctx, 'matmul', () => [ctx.tensor(a, [m, k]), ctx.tensor(b, [k, n])], ([at, bt]) => [ctx.matmul(at, bt)]),
        cpuImpl('cpu-reference', () => cpu.matmul(a, [m, k], b, [k, n])),
        cpuImpl('plain-js', () => plainMatmul(a, b, m, k, n)),
      ];
    },
  }));
}

/** Inputs of a dense layer with relu: unit-scale x, weights scaled like Glorot's. */
function denseData(batch: number, inputs: number, units: number) {
  const scale = Math.sqrt(6 / (inputs + units));
  const x = randomArray(batch * inputs, 3);
  const w = randomArray(inputs * units, 4, -scale, scale);
  const b = randomArray(units, 5, -0.1, 0.1);
  return { x, w, b };
}

export function denseRows(ctx: Context, shapes: number[][]): Row[] {
  return shapes.map(([batch, inputs, units]) => ({
    op: 'dense',
    shape: [batch, inputs, units],
    bytes: null,
    flops: 2 * batch * inputs * units,
    async setup() {
      const { x, w, b } = denseData(batch, inputs, units);
      return [
        webgpuImpl(
          ctx,
          'dense',
          () => [ctx.tensor(x, [batch, inputs]), ctx.tensor(w, [inputs, units]), ctx.tensor(b, [units])],
          ([xt, wt, bt]) => [ctx.dense(xt, wt, bt, 'relu')],
        ),
        cpuImpl('cpu-reference', () => cpu.dense(x, [batch, inputs], w, [inputs, units], b, 'relu')),
      ];
    },
  }));
}

export function denseBackwardRows(ctx: Context, shapes: number[][]): Row[] {
  return shapes.map(([batch, inputs, units]) => ({
    op: 'denseBackward',
    shape: [batch, inputs, units],
    bytes: null,
    flops: 4 * batch * inputs * units,
    async setup() {
      const { x, w, b } = denseData(batch, inputs, units);
      const y = cpu.dense(x, [batch, inputs], w, [inputs, units], b, 'relu');
      const dy = randomArray(batch * units, 6);
      return [
        webgpuImpl(
          ctx,
          'denseBackward',
          () => [ctx.tensor(x, [batch, inputs]), ctx.tensor(w, [inputs, units]), ctx.tensor(y, [batch, units]), ctx.tensor(dy, [batch, units])],
          ([xt, wt, yt, dyt]) => {
            const g = ctx.denseBackward({ x: xt, w: wt, y: yt, dy: dyt, activation: 'relu' });
            return [g.dx, g.dw, g.db!];
          },
        ),
        cpuImpl('cpu-reference', () => cpu.denseBackward({ x, xShape: [batch, inputs], w, wShape: [inputs, units], y, dy, activation: 'relu' })),
      ];
    },
  }));
}
