/**
 * matmul [M, K, N] (gflops) and the dense layer forward / backward [batch, inputs, units]:
 * webgpu-nn, the CPU reference, plain JS, TF.js (webgpu and cpu backends) and, for matmul, ONNX
 * Runtime Web (a one-node MatMul model).
 */
import { cpu, type Context } from '../../src/index';
import { guarded, type Impl, type Row, type Tolerance } from '../harness';
import { cpuImpl, webgpuImpl } from '../gpu-impls';
import { plainMatmul } from '../plain-js';
import type { Libs } from '../main';
import { randomArray } from '../../test/util/compare';

type TfTensor = import('@tensorflow/tfjs').Tensor;

/**
 * Sums of `depth` float32 products of magnitude up to `scale`, in whatever order a library adds
 * them: the rounding error grows with the depth (typically sqrt(depth) ulps of the partial sums,
 * at worst depth ulps); a wrong kernel is off by whole products.
 */
function sumTolerance(depth: number, scale = 1): Tolerance {
  return { atol: 4e-6 * depth * scale, rtol: 1e-4, why: `float32 sums of ${depth} products of magnitude <= ${scale}` };
}

export function matmulRows(ctx: Context, shapes: number[][], libs: Libs | null): Row[] {
  return shapes.map(([m, k, n]) => {
    const a = randomArray(m * k, 1);
    const b = randomArray(k * n, 2);
    return {
      op: 'matmul',
      shape: [m, k, n],
      bytes: null,
      flops: 2 * m * k * n,
      tolerance: sumTolerance(k),
      reference: () => [cpu.matmul(a, [m, k], b, [k, n])],
      async setup() {
        const impls: Impl[] = [
          webgpuImpl(ctx, 'matmul', () => [ctx.tensor(a, [m, k]), ctx.tensor(b, [k, n])], ([at, bt]) => [ctx.matmul(at, bt)]),
          cpuImpl('cpu-reference', () => cpu.matmul(a, [m, k], b, [k, n])),
          cpuImpl('plain-js', () => plainMatmul(a, b, m, k, n)),
        ];
        if (!libs) return impls;
        const { tf, tfjsImpl, ortImpl, oneNodeModel } = libs;
        const upload = () => [tf.tensor2d(a, [m, k]), tf.tensor2d(b, [k, n])];
        const model = oneNodeModel({
          opType: 'MatMul',
          inputs: [{ name: 'a', shape: [m, k] }, { name: 'b', shape: [k, n] }],
          output: { name: 'c', shape: [m, n] },
        });
        impls.push(
          await guarded('tfjs-webgpu', () => tfjsImpl('webgpu', upload, ([at, bt]) => tf.matMul(at, bt))),
          await guarded('tfjs-cpu', () => tfjsImpl('cpu', upload, ([at, bt]) => tf.matMul(at, bt))),
          await guarded('ort-webgpu', () => ortImpl(model, { a: { data: a, dims: [m, k] }, b: { data: b, dims: [k, n] } })),
        );
        return impls;
      },
    };
  });
}

/** Inputs of a dense layer with relu: unit-scale x, weights scaled like Glorot's. */
function denseData(batch: number, inputs: number, units: number) {
  const scale = Math.sqrt(6 / (inputs + units));
  const x = randomArray(batch * inputs, 3);
  const w = randomArray(inputs * units, 4, -scale, scale);
  const b = randomArray(units, 5, -0.1, 0.1);
  return { x, w, b, scale };
}

/**
 * TF.js's dense layer: what `tf.layers.dense({ units, activation: 'relu' })` runs, one fused
 * matMul + bias + activation.
 */
function tfDense(libs: Libs) {
  const { tf } = libs;
  return (x: TfTensor, w: TfTensor, b: TfTensor) => tf.fused.matMul({ a: x as never, b: w as never, bias: b, activation: 'relu' });
}

export function denseRows(ctx: Context, shapes: number[][], libs: Libs | null): Row[] {
  return shapes.map(([batch, inputs, units]) => {
    const { x, w, b, scale } = denseData(batch, inputs, units);
    return {
      op: 'dense',
      shape: [batch, inputs, units],
      bytes: null,
      flops: 2 * batch * inputs * units,
      tolerance: sumTolerance(inputs, scale),
      reference: () => [cpu.dense(x, [batch, inputs], w, [inputs, units], b, 'relu')],
      async setup() {
        const impls: Impl[] = [
          webgpuImpl(
            ctx,
            'dense',
            () => [ctx.tensor(x, [batch, inputs]), ctx.tensor(w, [inputs, units]), ctx.tensor(b, [units])],
            ([xt, wt, bt]) => [ctx.dense(xt, wt, bt, 'relu')],
          ),
          cpuImpl('cpu-reference', () => cpu.dense(x, [batch, inputs], w, [inputs, units], b, 'relu')),
        ];
        if (!libs) return impls;
        const { tf, tfjsImpl } = libs;
        const dense = tfDense(libs);
        const upload = () => [tf.tensor2d(x, [batch, inputs]), tf.tensor2d(w, [inputs, units]), tf.tensor1d(b)];
        impls.push(
          await guarded('tfjs-webgpu', () => tfjsImpl('webgpu', upload, ([xt, wt, bt]) => dense(xt, wt, bt))),
          await guarded('tfjs-cpu', () => tfjsImpl('cpu', upload, ([xt, wt, bt]) => dense(xt, wt, bt))),
        );
        return impls;
      },
    };
  });
}

export function denseBackwardRows(ctx: Context, shapes: number[][], libs: Libs | null): Row[] {
  return shapes.map(([batch, inputs, units]) => {
    const { x, w, b, scale } = denseData(batch, inputs, units);
    const y = cpu.dense(x, [batch, inputs], w, [inputs, units], b, 'relu');
    const dy = randomArray(batch * units, 6);
    const backward = () => cpu.denseBackward({ x, xShape: [batch, inputs], w, wShape: [inputs, units], y, dy, activation: 'relu' });
    return {
      op: 'denseBackward',
      shape: [batch, inputs, units],
      bytes: null,
      flops: 4 * batch * inputs * units,
      // dx sums over the units (weights of `scale`), dw and db over the batch.
      tolerance: [sumTolerance(units, scale), sumTolerance(batch), sumTolerance(batch)],
      reference: () => {
        const g = backward();
        return [g.dx, g.dw, g.db!];
      },
      async setup() {
        const impls: Impl[] = [
          webgpuImpl(
            ctx,
            'denseBackward',
            () => [ctx.tensor(x, [batch, inputs]), ctx.tensor(w, [inputs, units]), ctx.tensor(y, [batch, units]), ctx.tensor(dy, [batch, units])],
            ([xt, wt, yt, dyt]) => {
              const g = ctx.denseBackward({ x: xt, w: wt, y: yt, dy: dyt, activation: 'relu' });
              return [g.dx, g.dw, g.db!];
            },
          ),
          cpuImpl('cpu-reference', backward),
        ];
        if (!libs) return impls;
        const { tf, tfjsImpl } = libs;
        // The gradients of TF.js's dense layer with respect to x, w and b, the way TF.js users get
        // them: tf.grads (which runs the forward too) with dy as the upstream gradient.
        const grads = tf.grads(tfDense(libs));
        const upload = () => [tf.tensor2d(x, [batch, inputs]), tf.tensor2d(w, [inputs, units]), tf.tensor1d(b), tf.tensor2d(dy, [batch, units])];
        impls.push(
          await guarded('tfjs-webgpu', () => tfjsImpl('webgpu', upload, ([xt, wt, bt, dyt]) => grads([xt, wt, bt], dyt))),
          await guarded('tfjs-cpu', () => tfjsImpl('cpu', upload, ([xt, wt, bt, dyt]) => grads([xt, wt, bt], dyt))),
        );
        return impls;
      },
    };
  });
}
