/**
 * The softmax derivatives: softmaxJacobian against a copy of its output (the write it
 * cannot avoid), softmaxVjp, fused softmaxCrossEntropy against softmax + a separate loss/grad
 * kernel, and logSoftmax; each with the CPU reference and the obvious plain-JS version, and
 * TF.js for softmaxVjp, softmaxCrossEntropy and logSoftmax, ONNX Runtime Web for logSoftmax.
 */
import unfusedWgsl from '../cross_entropy_unfused.wgsl?raw';
import { cpu, type Context, type Tensor } from '../../src/index';
import type { KernelSpec } from '../../src/gpu/kernel';
import { recordLossReduce } from '../../src/ops/crossentropy/kernels';
import { tensorRange } from '../../src/gpu/tensor-range';
import { guarded, type Impl, type Row, type Tolerance } from '../harness';
import { copyImpl, cpuImpl, webgpuImpl } from '../gpu-impls';
import { plainCrossEntropy, plainLogSoftmax, plainSoftmaxJacobian, plainSoftmaxVjp } from '../plain-js';
import type { Libs } from '../main';
import { PROBABILITY_TOLERANCE } from './softmax';
import { randomArray } from '../../test/util/compare';

/** Log-probabilities reach about -25 here; float32 carries them to a few 1e-6. */
const LOG_PROBABILITY_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-5, why: 'log-probabilities down to about -25 in float32' };

const UNFUSED: KernelSpec = { name: 'bench_cross_entropy_unfused', code: unfusedWgsl, bindings: ['read', 'read', 'write', 'write'] };

function elements(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function softmaxJacobianRows(ctx: Context, shapes: number[][]): Row[] {
  return shapes.map(([rows, cols]) => ({
    op: 'softmaxJacobian',
    shape: [rows, cols],
    bytes: rows * cols * 4 + rows * cols * cols * 4,
    flops: null,
    // Entries s_i (delta_ij - s_j) are products of probabilities.
    tolerance: PROBABILITY_TOLERANCE,
    reference: () => [cpu.softmaxJacobian(randomArray(rows * cols, 2, -8, 8), [rows, cols])],
    async setup() {
      const data = randomArray(rows * cols, 2, -8, 8);
      return [
        webgpuImpl(ctx, 'softmaxJacobian', () => [ctx.tensor(data, [rows, cols])], ([x]) => [ctx.softmaxJacobian(x)]),
        copyImpl(ctx, rows * cols * cols * 4),
        cpuImpl('cpu-reference', () => cpu.softmaxJacobian(data, [rows, cols])),
        cpuImpl('plain-js', () => plainSoftmaxJacobian(data, rows, cols)),
      ];
    },
  }));
}

export function softmaxVjpRows(ctx: Context, shapes: number[][], libs: Libs | null): Row[] {
  return shapes.map((shape) => {
    const [rows, cols] = shape;
    const x = randomArray(rows * cols, 3, -8, 8);
    const s = cpu.softmax(x, shape);
    const dy = randomArray(rows * cols, 4, -1, 1);
    return {
      op: 'softmaxVjp',
      shape,
      bytes: elements(shape) * 12,
      flops: null,
      // dx = s * (dy - <dy, s>): probabilities times values of order 1.
      tolerance: PROBABILITY_TOLERANCE,
      reference: () => [cpu.softmaxVjp(s, dy, shape)],
      async setup() {
        const impls: Impl[] = [
          webgpuImpl(ctx, 'softmaxVjp', () => [ctx.tensor(s, shape), ctx.tensor(dy, shape)], ([st, dyt]) => [ctx.softmaxVjp(st, dyt)]),
          // The target's yardstick (a copy of the output's size, as in the softmax row), timed
          // interleaved with the kernel so that the ratio does not carry the drift between rows.
          copyImpl(ctx, rows * cols * 4),
          cpuImpl('cpu-reference', () => cpu.softmaxVjp(s, dy, shape)),
          cpuImpl('plain-js', () => plainSoftmaxVjp(s, dy, rows, cols)),
        ];
        if (!libs) return impls;
        const { tf, tfjsImpl } = libs;
        // TF.js has no softmax VJP op: its users take the gradient of tf.softmax with tf.grad
        // (which runs the forward softmax too), from the logits x.
        const upload = () => [tf.tensor2d(x, [rows, cols]), tf.tensor2d(dy, [rows, cols])];
        const vjp = tf.grad((logits: typeof tf.Tensor.prototype) => tf.softmax(logits));
        impls.push(
          await guarded('tfjs-webgpu', () => tfjsImpl('webgpu', upload, ([xt, dyt]) => vjp(xt, dyt))),
          await guarded('tfjs-cpu', () => tfjsImpl('cpu', upload, ([xt, dyt]) => vjp(xt, dyt))),
        );
        return impls;
      },
    };
  });
}

export function logSoftmaxRows(ctx: Context, shapes: number[][], libs: Libs | null): Row[] {
  return shapes.map((shape) => {
    const [rows, cols] = shape;
    const data = randomArray(rows * cols, 5, -8, 8);
    return {
      op: 'logSoftmax',
      shape,
      bytes: elements(shape) * 8,
      flops: null,
      tolerance: LOG_PROBABILITY_TOLERANCE,
      reference: () => [cpu.logSoftmax(data, shape)],
      async setup() {
        const impls: Impl[] = [
          webgpuImpl(ctx, 'logSoftmax', () => [ctx.tensor(data, shape)], ([x]) => [ctx.logSoftmax(x)]),
          cpuImpl('cpu-reference', () => cpu.logSoftmax(data, shape)),
          cpuImpl('plain-js', () => plainLogSoftmax(data, rows, cols)),
        ];
        if (!libs) return impls;
        const { tf, tfjsImpl, ortImpl, oneNodeModel } = libs;
        const model = oneNodeModel({
          opType: 'LogSoftmax',
          inputs: [{ name: 'x', shape }],
          output: { name: 'y', shape },
          intAttributes: { axis: -1 },
        });
        impls.push(
          await guarded('tfjs-webgpu', () => tfjsImpl('webgpu', () => [tf.tensor2d(data, [rows, cols])], ([x]) => tf.logSoftmax(x))),
          await guarded('tfjs-cpu', () => tfjsImpl('cpu', () => [tf.tensor2d(data, [rows, cols])], ([x]) => tf.logSoftmax(x))),
          await guarded('ort-webgpu', () => ortImpl(model, { x: { data, dims: shape } })),
        );
        return impls;
      },
    };
  });
}

/**
 * softmax, then a separate kernel for grad and row losses, then the same reduction as the fused
 * op ('mean'): what the fused kernel saves is the second pass over the probabilities.
 */
function unfusedCrossEntropy(ctx: Context, x: Tensor, labels: Tensor): Tensor[] {
  const gpu = ctx.gpu!;
  const [rows, cols] = x.shape;
  const op = 'softmaxCrossEntropy (unfused)';
  return gpu.captured(op, () => {
    const s = ctx.softmax(x);
    const grad = ctx.gpuOutput(op, x.shape);
    const rowLoss = ctx.gpuOutput(op, [rows]);
    const loss = ctx.gpuOutput(op, []);
    const params = new ArrayBuffer(12);
    new Uint32Array(params, 0, 2).set([rows, cols / 4]);
    new Float32Array(params, 8, 1)[0] = 1 / rows;
    const buffers = [s, labels, grad, rowLoss].map(tensorRange);
    gpu.dispatch(op, gpu.kernel(UNFUSED, { workgroupSize: 64 }), buffers, new Uint8Array(params), Math.ceil(rows / 64));
    recordLossReduce(gpu, op, tensorRange(rowLoss), tensorRange(loss), rows, 1 / rows);
    s.destroy();
    rowLoss.destroy();
    return [loss, grad];
  });
}

export function softmaxCrossEntropyRows(ctx: Context, shapes: number[][], libs: Libs | null): Row[] {
  return shapes.map((shape) => {
    const [rows, cols] = shape;
    const data = randomArray(rows * cols, 6, -8, 8);
    const labels = new Int32Array(rows).map((_, i) => (i * 7919) % cols);
    return {
      op: 'softmaxCrossEntropy',
      shape,
      // Logits read, gradient written, one label per row read, the loss written.
      bytes: elements(shape) * 8 + shape[0] * 4 + 4,
      flops: null,
      tolerance: [
        // The mean of 4096 row losses of about 8 (logsumexp minus the label's logit), float32.
        { atol: 1e-5, rtol: 1e-5, why: 'a mean of row losses of about 8, float32' },
        // (softmax - onehot) / rows: the probability tolerance scaled by the mean's 1 / rows.
        { atol: PROBABILITY_TOLERANCE.atol / rows, rtol: PROBABILITY_TOLERANCE.rtol, why: 'probabilities over the number of rows' },
      ],
      reference: () => {
        const { loss, grad } = cpu.softmaxCrossEntropy(data, labels, shape);
        return [loss, grad];
      },
      async setup() {
        const upload = () => [ctx.tensor(data, shape), ctx.tensor(labels)];
        const impls: Impl[] = [
          webgpuImpl(ctx, 'softmaxCrossEntropy', upload, ([x, l]) => {
            const { loss, grad } = ctx.softmaxCrossEntropy(x, l);
            return [loss, grad];
          }),
          webgpuImpl(ctx, 'softmax', upload, ([x, l]) => unfusedCrossEntropy(ctx, x, l), 'webgpu-nn-unfused'),
          cpuImpl('cpu-reference', () => cpu.softmaxCrossEntropy(data, labels, shape)),
          cpuImpl('plain-js', () => plainCrossEntropy(data, labels, rows, cols)),
        ];
        if (!libs) return impls;
        const { tf, tfjsImpl } = libs;
        // TF.js takes one-hot labels; its users get loss and gradient with tf.valueAndGrad.
        const oneHot = new Float32Array(rows * cols);
        labels.forEach((c, r) => (oneHot[r * cols + c] = 1));
        const upload2 = () => [tf.tensor2d(data, [rows, cols]), tf.tensor2d(oneHot, [rows, cols])];
        const run = ([x, onehot]: (typeof tf.Tensor.prototype)[]) => {
          const { value, grad } = tf.valueAndGrad((logits: typeof tf.Tensor.prototype) => tf.losses.softmaxCrossEntropy(onehot, logits))(x);
          return [value, grad];
        };
        impls.push(
          await guarded('tfjs-webgpu', () => tfjsImpl('webgpu', upload2, run)),
          await guarded('tfjs-cpu', () => tfjsImpl('cpu', upload2, run)),
        );
        return impls;
      },
    };
  });
}
