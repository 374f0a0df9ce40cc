/**
 * ctx.dense and ctx.denseBackward: one fused GEMM kernel for the forward pass (bias and
 * activation applied as outputs are stored; softmax as a second pass over the rows), and for the
 * backward pass two GEMMs (dx = dz w^T, dw = x^T dz, transposes read through strides) plus a
 * column-sum kernel for db. dz = dy * act'(y) is formed inside the GEMMs' loads by the kernels
 * where that is cheaper (tiled) and written once by an element-wise pass where it is not (lanes,
 * see gemmFusesDerivative); softmax always writes it (its VJP needs a dot product per row).
 * Tensors larger than one storage binding (a caller's device at default limits) are recorded
 * over ranges of batch rows; the backward pass then sums the ranges' partial dw and db.
 */
import type { CoreContext } from '../../core-context.js';
import { checkOptions, type OptionSchema } from '../../options.js';
import type { Tensor } from '../../tensor.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import type { BufferBinding } from '../../gpu/recorder.js';
import { tensorRange } from '../../gpu/tensor-range.js';
import { ArgumentError, ShapeError, SizeLimitError } from '../../errors.js';
import { describe, formatShape } from '../../shape.js';
import { activationOptions, activationSpec, checkDenseOptions, checkFlag, checkSlopeSource, DENSE_OPTIONS, planDense, planDenseBackward, type Activation, type ActivationInput, type DenseOptions, type DensePlan } from '../../linalg.js';
import { dense as referenceDense, denseBackward as referenceDenseBackward } from './reference.js';
import { PLAIN_GEMM, recordAddInto, recordBiasGrad, rowMajorGemm, type GemmFusion } from '../matmul/kernels.js';
import { gemmFusesDerivative, gemmVariants, recordGemm } from '../matmul/variants.js';
import { recordSoftmax, softmaxVariants } from '../softmax/variants.js';
import { recordSoftmaxVjpRows } from '../rowwise/variants.js';
import { recordActivation, type PointwiseActivation } from './activation.js';
import { chunkRange, planBindingChunks, type Chunk } from '../shared/chunks.js';
import { checkBindable } from '../matmul/definition.js';
import { chooseVariant, runOp, type OpDefinition } from '../definition.js';

export const denseVariants = /* @__PURE__ */ gemmVariants('dense');
export const denseBackwardVariants = /* @__PURE__ */ gemmVariants('denseBackward');

/**
 * Ranges of batch rows for the dense ops' row-wise tensors (`rowBytes` per row of each), each
 * within one storage binding: one range when everything fits.
 */
function batchRows(gpu: GpuRuntime, op: string, batch: number, rowBytes: readonly number[]): Chunk[] {
  const rows = planBindingChunks(gpu, batch, rowBytes);
  if (!rows) {
    throw new SizeLimitError(
      op,
      `batch rows of ${Math.max(...rowBytes)} bytes cannot be split into ranges that fit the device's maxStorageBufferBindingSize of ${gpu.limits.maxStorageBufferBindingSize} bytes`,
    );
  }
  return rows;
}

interface DenseArgs extends DensePlan {
  x: Tensor;
  w: Tensor;
  bias: Tensor | null;
  act: Activation;
  /** leakyRelu's slope for negative inputs. */
  alpha: number;
}

export const denseOp: OpDefinition<[x: Tensor, w: Tensor, b: Tensor | null | undefined, activation: ActivationInput | DenseOptions], DenseArgs, Tensor> = {
  name: 'dense',
  options: DENSE_OPTIONS,
  check(ctx, x, w, b, activation) {
    const op = 'dense';
    ctx.input(op, 'x', x);
    ctx.input(op, 'w', w);
    const bias = b === undefined || b === null ? null : ctx.input(op, 'b', b);
    const { activation: act, alpha } = checkDenseOptions(op, activation);
    return { x, w, bias, act, alpha, ...planDense(op, x.shape, w.shape, bias ? bias.shape : null) };
  },
  reference(ctx, { x, w, bias, act, alpha, batch, units }) {
    const data = referenceDense(x.storage!.data as Float32Array, [...x.shape], w.storage!.data as Float32Array, [...w.shape], bias ? (bias.storage!.data as Float32Array) : null, activationOptions({ activation: act, alpha }));
    return ctx.cpuOutput([batch, units], data);
  },
  webgpu(ctx, gpu, { x, w, bias, act, alpha, batch, inputs, units }) {
    const op = 'dense';
    checkBindable(gpu, op, 'w', w.byteLength);
    // x and y larger than one binding are recorded over ranges of batch rows.
    const rows = batchRows(gpu, op, batch, [inputs * 4, units * 4]);

    const layout = rowMajorGemm(batch, inputs, units, { biasPerColumn: true });
    const fusion: GemmFusion = { aDerivative: 'linear', bDerivative: 'linear', bias: bias !== null, activation: act === 'softmax' ? 'linear' : act, alpha };
    const variant = chooseVariant(ctx, gpu, denseVariants, layout);
    return gpu.captured(op, () => {
      const y = ctx.gpuOutput(op, [batch, units]);
      const yRange = tensorRange(y);
      const xRange = tensorRange(x);
      const operands = { b: tensorRange(w), bias: bias ? tensorRange(bias) : undefined };
      // Softmax runs as a second pass over the logits (recordSoftmax splits its own work).
      const scratch = act === 'softmax' ? gpu.allocate(op, batch * units * 4, 'logits') : null;
      const logits = scratch ?? yRange;
      for (const chunk of rows) {
        const range = { ...operands, a: chunkRange(xRange, chunk, inputs * 4, rows.length === 1), out: chunkRange(logits, chunk, units * 4, rows.length === 1) };
        recordGemm(gpu, op, variant, rowMajorGemm(chunk.count, inputs, units, { biasPerColumn: true }), range, fusion);
      }
      if (!scratch) return y;
      const lines = { outer: batch, length: units, inner: 1 };
      if (batch * units > 0) recordSoftmax(gpu, op, softmaxVariants.rule(gpu, lines), scratch, yRange, lines);
      gpu.pool.release(scratch);
      return y;
    });
  },
};

/**
 * A dense layer, act(x w + b), for x [batch, inputs], w [inputs, units], b [units] (optional),
 * activation one of ACTIVATIONS (default 'linear'; 'softmax' row-wise), by name or as options
 * `{ activation, alpha, approximate }` (alpha: leakyRelu's slope, default 0.2, or elu's scale;
 * approximate: gelu's tanh form). One
 * fused kernel: the bias and the activation are applied as outputs are stored (softmax as a
 * second pass over the rows).
 *
 * @example
 * const y = dense(ctx, ctx.tensor([[0, 1], [1, 1]]), ctx.tensor([[1], [2]]), ctx.tensor([-1]), 'relu');
 * await y.read(); // [1, 2]
 * dense(ctx, x, w, b, { activation: 'leakyRelu', alpha: 0.1 });
 */
export function dense(ctx: CoreContext, x: Tensor, w: Tensor, b?: Tensor | null, activation: ActivationInput | DenseOptions = 'linear'): Tensor {
  return runOp(ctx, denseOp, x, w, b, activation);
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
  /**
   * The pre-activation x w + b [batch, units]: required with 'gelu' and 'swish', whose slope is
   * read off z (they are not monotonic, so y does not determine it); refused with the others.
   */
  z?: Tensor;
  /** The layer's activation (default 'linear'). */
  activation?: ActivationInput;
  /** leakyRelu's slope for negative inputs (default 0.2) or elu's scale; only with 'leakyRelu' or 'elu'. */
  alpha?: number;
  /** gelu's tanh approximation (default false); only with 'gelu'. */
  approximate?: boolean;
  /** Whether the layer has a bias (default true); db is null when false. */
  hasBias?: boolean;
}

export interface DenseGradients {
  dx: Tensor;
  dw: Tensor;
  db: Tensor | null;
}

const DENSE_BACKWARD_ARGS: OptionSchema = { known: ['x', 'w', 'y', 'dy', 'z', 'activation', 'alpha', 'approximate', 'hasBias'] };

interface DenseBackwardChecked extends DensePlan {
  x: Tensor;
  w: Tensor;
  y: Tensor;
  dy: Tensor;
  /** What act'(z) is read off: y, or z for the activations of slopeReadsInput. */
  slopeAt: Tensor;
  act: Activation;
  /** The activation's parameter (ActivationSpec). */
  alpha: number;
  hasBias: boolean;
}

export const denseBackwardOp: OpDefinition<[args: DenseBackwardArgs], DenseBackwardChecked, DenseGradients> = {
  name: 'denseBackward',
  options: DENSE_BACKWARD_ARGS,
  check(ctx, args) {
    const op = 'denseBackward';
    if (args === null || typeof args !== 'object') throw new ArgumentError(op, `arguments must be an object { x, w, y, dy, z, activation, alpha, approximate, hasBias }, got ${describe(args)}`);
    checkOptions(op, args, DENSE_BACKWARD_ARGS, 'arguments');
    const x = ctx.input(op, 'x', args.x);
    const w = ctx.input(op, 'w', args.w);
    const y = ctx.input(op, 'y', args.y);
    const dy = ctx.input(op, 'dy', args.dy);
    const { activation: act, alpha } = activationSpec(op, args.activation, args.alpha, '', args.approximate);
    const hasBias = checkFlag(op, 'hasBias', args.hasBias, true);
    const plan = planDenseBackward(op, x.shape, w.shape, y.shape, dy.shape);
    const slopeAt = checkSlopeSource(op, act, y, args.z === undefined ? undefined : ctx.input(op, 'z', args.z));
    if (slopeAt !== y && (slopeAt.shape.length !== 2 || slopeAt.shape[0] !== plan.batch || slopeAt.shape[1] !== plan.units)) {
      throw new ShapeError(op, `z ${formatShape(slopeAt.shape)} must have the shape of y ${formatShape(y.shape)}`);
    }
    return { x, w, y, dy, slopeAt, act, alpha, hasBias, ...plan };
  },
  reference(ctx, { x, w, y, dy, slopeAt, act, alpha, hasBias, batch, inputs, units }) {
    const g = referenceDenseBackward({
      x: x.storage!.data as Float32Array,
      xShape: [...x.shape],
      w: w.storage!.data as Float32Array,
      wShape: [...w.shape],
      y: y.storage!.data as Float32Array,
      dy: dy.storage!.data as Float32Array,
      ...(slopeAt !== y ? { z: slopeAt.storage!.data as Float32Array } : {}),
      ...activationOptions({ activation: act, alpha }),
      hasBias,
    });
    return {
      dx: ctx.cpuOutput([batch, inputs], g.dx),
      dw: ctx.cpuOutput([inputs, units], g.dw),
      db: g.db ? ctx.cpuOutput([units], g.db) : null,
    };
  },
  webgpu(ctx, gpu, { x, w, dy, slopeAt, act, alpha, hasBias, batch, inputs, units }) {
    const op = 'denseBackward';
    checkBindable(gpu, op, 'w', w.byteLength);
    checkBindable(gpu, op, `dw [${inputs}, ${units}]`, inputs * units * 4);
    // x, y, dy, dx (and dz) larger than one binding are recorded over ranges of batch rows; dw and
    // db then sum the ranges' partial gradients.
    const rows = batchRows(gpu, op, batch, [inputs * 4, units * 4]);

    // dx [batch, inputs] = dz [batch, units] x w^T.
    const dxLayout = rowMajorGemm(batch, units, inputs, { transposeB: true });
    // dw [inputs, units] = x^T [inputs, batch] x dz [batch, units].
    const dwLayout = rowMajorGemm(inputs, batch, units, { transposeA: true });
    // dz = dy * act'(y) (act'(z) for slopeReadsInput's activations: slopeAt is z then): read through both GEMMs' loads where their kernels fuse it, else written
    // once (always for softmax, whose VJP needs a dot product per row).
    const pointwise: PointwiseActivation = act === 'softmax' ? 'linear' : act;
    const dxVariant = chooseVariant(ctx, gpu, denseBackwardVariants, dxLayout);
    const dwVariant = chooseVariant(ctx, gpu, denseBackwardVariants, dwLayout);
    const fused = pointwise !== 'linear' && gemmFusesDerivative(dxVariant) && gemmFusesDerivative(dwVariant);
    const materialized = act === 'softmax' || (pointwise !== 'linear' && !fused);
    const dxFusion: GemmFusion = fused ? { ...PLAIN_GEMM, aDerivative: pointwise, alpha } : PLAIN_GEMM;
    const dwFusion: GemmFusion = fused ? { ...PLAIN_GEMM, bDerivative: pointwise, alpha } : PLAIN_GEMM;

    return gpu.captured(op, () => {
      const dx = ctx.gpuOutput(op, [batch, inputs]);
      const dw = ctx.gpuOutput(op, [inputs, units]);
      const db = hasBias ? ctx.gpuOutput(op, [units]) : null;
      const [xRange, wRange, slopeRange, dslopeRange] = [x, w, slopeAt, dy].map(tensorRange);
      const split = rows.length > 1;
      const scratch = {
        dz: materialized ? gpu.allocate(op, batch * units * 4, 'dz') : null,
        dw: split ? gpu.allocate(op, inputs * units * 4, 'dw part') : null,
        db: split && db ? gpu.allocate(op, units * 4, 'db part') : null,
      };
      const inputRows = (buffer: BufferBinding, chunk: Chunk) => chunkRange(buffer, chunk, inputs * 4, !split);
      const unitRows = (buffer: BufferBinding, chunk: Chunk) => chunkRange(buffer, chunk, units * 4, !split);
      for (const [i, chunk] of rows.entries()) {
        const slopeRows = unitRows(slopeRange, chunk);
        let dz = unitRows(dslopeRange, chunk);
        if (scratch.dz) {
          const formed = unitRows(scratch.dz, chunk);
          if (act === 'softmax') recordSoftmaxVjpRows(gpu, op, slopeRows, dz, formed, chunk.count, units);
          else recordActivation(gpu, op, slopeRows, dz, formed, chunk.count * units, pointwise, 1, alpha);
          dz = formed;
        }
        // The first range writes dw and db; the others write scratch and add it in.
        const dwOut = i === 0 ? tensorRange(dw) : scratch.dw!;
        const dbOut = db && (i === 0 ? tensorRange(db) : scratch.db!);
        recordGemm(gpu, op, dxVariant, rowMajorGemm(chunk.count, units, inputs, { transposeB: true }), { a: dz, aAux: slopeRows, b: wRange, out: inputRows(tensorRange(dx), chunk) }, dxFusion);
        recordGemm(gpu, op, dwVariant, rowMajorGemm(inputs, chunk.count, units, { transposeA: true }), { a: inputRows(xRange, chunk), b: dz, bAux: slopeRows, out: dwOut }, dwFusion);
        if (dbOut) recordBiasGrad(gpu, op, dz, slopeRows, dbOut, chunk.count, units, fused ? pointwise : 'linear', alpha);
        if (i > 0) {
          recordAddInto(gpu, op, scratch.dw!, tensorRange(dw), inputs * units);
          if (db) recordAddInto(gpu, op, scratch.db!, tensorRange(db), units);
        }
      }
      for (const buffer of Object.values(scratch)) if (buffer) gpu.pool.release(buffer);
      return { dx, dw, db };
    });
  }
};

/**
 * Gradients of a dense layer from its forward output `y` and `dy` = dL/dy:
 * dz = dy * act'(y) (softmax: y * (dy - <dy, y>) per row), dx = dz w^T, dw = x^T dz,
 * db = column sums of dz (null when `hasBias` is false; default true). gelu and swish read
 * act'(z) off the pre-activation `z`, which they require (keep it from the forward pass, e.g.
 * as dense(ctx, x, w, b) with the activation applied after).
 *
 * @example
 * const y = dense(ctx, x, w, b, 'sigmoid');
 * const { dx, dw, db } = denseBackward(ctx, { x, w, y, dy, activation: 'sigmoid' });
 */
export function denseBackward(ctx: CoreContext, args: DenseBackwardArgs): DenseGradients {
  return runOp(ctx, denseBackwardOp, args);
}
