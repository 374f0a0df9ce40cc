/**
 * ctx.dense and ctx.denseBackward: one fused GEMM kernel for the forward pass (bias and
 * activation applied as outputs are stored; softmax as a second pass over the rows), and for the
 * backward pass two GEMMs (dx = dz w^T, dw = x^T dz, transposes read through strides) plus a
 * column-sum kernel for db. dz = dy * act'(y) is formed inside the GEMMs' loads by the kernels
 * where that is cheaper (tiled) and written once by an element-wise pass where it is not (lanes,
 * see gemmFusesDerivative); softmax always writes it (its VJP needs a dot product per row).
 */
import type { Context } from '../context.js';
import type { Tensor } from '../tensor.js';
import { ArgumentError } from '../errors.js';
import { describe } from '../shape.js';
import { checkActivation, checkFlag, planDense, planDenseBackward, type Activation } from '../linalg.js';
import { dense as cpuDense, denseBackward as cpuDenseBackward } from '../cpu/dense.js';
import {
  chooseGemmVariant,
  gemmFusesDerivative,
  gemmVariantUsable,
  PLAIN_GEMM,
  recordActivationGrad,
  recordBiasGrad,
  recordGemm,
  recordSoftmaxGrad,
  rowMajorGemm,
  type GemmFusion,
  type PointwiseActivation,
} from '../kernels/matmul.js';
import { chooseSoftmaxVariant, recordSoftmax } from '../kernels/softmax.js';
import { checkBindable } from './matmul.js';

export function dense(ctx: Context, x: Tensor, w: Tensor, b?: Tensor | null, activation: Activation = 'linear'): Tensor {
  const op = 'dense';
  ctx.checkUsable(op);
  ctx.input(op, 'x', x);
  ctx.input(op, 'w', w);
  const bias = b === undefined || b === null ? null : ctx.input(op, 'b', b);
  const act = checkActivation(op, activation);
  const { batch, inputs, units } = planDense(op, x.shape, w.shape, bias ? bias.shape : null);
  const gpu = ctx.gpu;
  if (!gpu) {
    const data = cpuDense(x.storage!.data as Float32Array, [...x.shape], w.storage!.data as Float32Array, [...w.shape], bias ? (bias.storage!.data as Float32Array) : null, act);
    return ctx.cpuOutput([batch, units], data);
  }
  checkBindable(ctx, op, 'x', x.byteLength);
  checkBindable(ctx, op, 'w', w.byteLength);
  checkBindable(ctx, op, `the output [${batch}, ${units}]`, batch * units * 4);

  const layout = rowMajorGemm(batch, inputs, units, { biasPerColumn: true });
  const fusion: GemmFusion = { aDerivative: 'linear', bDerivative: 'linear', bias: bias !== null, activation: act === 'softmax' ? 'linear' : act };
  const chosen = ctx.tunedVariant('matmul', layout) ?? chooseGemmVariant(gpu, layout);
  const variant = ctx.variants.resolve(op, chosen, (v) => gemmVariantUsable(gpu, v));
  return gpu.captured(op, () => {
    const y = ctx.gpuOutput(op, [batch, units]);
    const yBuffer = y.storage!.buffer!;
    const operands = { a: x.storage!.buffer!, b: w.storage!.buffer!, bias: bias ? bias.storage!.buffer! : undefined };
    if (act !== 'softmax') {
      recordGemm(gpu, op, variant, layout, { ...operands, out: yBuffer }, fusion);
      return y;
    }
    const logits = gpu.allocate(op, batch * units * 4, 'logits');
    recordGemm(gpu, op, variant, layout, { ...operands, out: logits }, fusion);
    const lines = { outer: batch, length: units, inner: 1 };
    if (batch * units > 0) recordSoftmax(gpu, op, chooseSoftmaxVariant(gpu, lines), logits, yBuffer, lines);
    gpu.pool.release(logits);
    return y;
  });
}

/** Arguments of `ctx.denseBackward`. */
export interface DenseBackwardArgs {
  /** The layer's input [batch, inputs]. */
  x: Tensor;
  /** Its weights [inputs, units]. */
  w: Tensor;
  /** The forward output act(x w + b) [batch, units]. */
  y: Tensor;
  /** dL/dy [batch, units]. */
  dy: Tensor;
  /** The layer's activation (default 'linear'). */
  activation?: Activation;
  /** Whether the layer has a bias (default true); db is null when false. */
  hasBias?: boolean;
}

export interface DenseGradients {
  dx: Tensor;
  dw: Tensor;
  db: Tensor | null;
}

export function denseBackward(ctx: Context, args: DenseBackwardArgs): DenseGradients {
  const op = 'denseBackward';
  ctx.checkUsable(op);
  if (args === null || typeof args !== 'object') throw new ArgumentError(op, `arguments must be an object { x, w, y, dy, activation, hasBias }, got ${describe(args)}`);
  const x = ctx.input(op, 'x', args.x);
  const w = ctx.input(op, 'w', args.w);
  const y = ctx.input(op, 'y', args.y);
  const dy = ctx.input(op, 'dy', args.dy);
  const act = checkActivation(op, args.activation ?? 'linear');
  const hasBias = checkFlag(op, 'hasBias', args.hasBias, true);
  const { batch, inputs, units } = planDenseBackward(op, x.shape, w.shape, y.shape, dy.shape);
  const gpu = ctx.gpu;
  if (!gpu) {
    const g = cpuDenseBackward({
      x: x.storage!.data as Float32Array,
      xShape: [...x.shape],
      w: w.storage!.data as Float32Array,
      wShape: [...w.shape],
      y: y.storage!.data as Float32Array,
      dy: dy.storage!.data as Float32Array,
      activation: act,
      hasBias,
    });
    return {
      dx: ctx.cpuOutput([batch, inputs], g.dx),
      dw: ctx.cpuOutput([inputs, units], g.dw),
      db: g.db ? ctx.cpuOutput([units], g.db) : null,
    };
  }
  for (const [arg, t] of [['x', x], ['w', w], ['y', y], ['dy', dy]] as const) checkBindable(ctx, op, arg, t.byteLength);

  // dx [batch, inputs] = dz [batch, units] x w^T.
  const dxLayout = rowMajorGemm(batch, units, inputs, { transposeB: true });
  // dw [inputs, units] = x^T [inputs, batch] x dz [batch, units].
  const dwLayout = rowMajorGemm(inputs, batch, units, { transposeA: true });
  // dz = dy * act'(y): read through both GEMMs' loads where their kernels fuse it, else written
  // once (always for softmax, whose VJP needs a dot product per row).
  const pointwise: PointwiseActivation = act === 'softmax' ? 'linear' : act;
  const usable = (v: string) => gemmVariantUsable(gpu, v);
  // The GEMMs' autotuned variants (ctx.autotune / createContext({ autotune })), else the rule.
  const dxVariant = ctx.variants.resolve(op, ctx.tunedVariant('matmul', dxLayout) ?? chooseGemmVariant(gpu, dxLayout), usable);
  const dwVariant = ctx.variants.resolve(op, ctx.tunedVariant('matmul', dwLayout) ?? chooseGemmVariant(gpu, dwLayout), usable);
  const fused = pointwise !== 'linear' && gemmFusesDerivative(dxVariant) && gemmFusesDerivative(dwVariant);
  const materialized = act === 'softmax' || (pointwise !== 'linear' && !fused);
  const dxFusion: GemmFusion = fused ? { ...PLAIN_GEMM, aDerivative: pointwise } : PLAIN_GEMM;
  const dwFusion: GemmFusion = fused ? { ...PLAIN_GEMM, bDerivative: pointwise } : PLAIN_GEMM;

  return gpu.captured(op, () => {
    const dx = ctx.gpuOutput(op, [batch, inputs]);
    const dw = ctx.gpuOutput(op, [inputs, units]);
    const db = hasBias ? ctx.gpuOutput(op, [units]) : null;
    const yBuffer = y.storage!.buffer!;
    let dz = dy.storage!.buffer!;
    let scratch: GPUBuffer | null = null;
    if (materialized) {
      scratch = gpu.allocate(op, batch * units * 4, 'dz');
      if (act === 'softmax') recordSoftmaxGrad(gpu, op, yBuffer, dz, scratch, batch, units);
      else recordActivationGrad(gpu, op, dz, yBuffer, scratch, batch * units, pointwise);
      dz = scratch;
    }
    recordGemm(gpu, op, dxVariant, dxLayout, { a: dz, aAux: yBuffer, b: w.storage!.buffer!, out: dx.storage!.buffer! }, dxFusion);
    recordGemm(gpu, op, dwVariant, dwLayout, { a: x.storage!.buffer!, b: dz, bAux: yBuffer, out: dw.storage!.buffer! }, dwFusion);
    if (db) recordBiasGrad(gpu, op, dz, yBuffer, db.storage!.buffer!, batch, units, fused ? pointwise : 'linear');
    if (scratch) gpu.pool.release(scratch);
    return { dx, dw, db };
  });
}
