/**
 * The softmax derivatives (issue 3): softmaxJacobian against a copy of its output (the write it
 * cannot avoid), softmaxVjp, fused softmaxCrossEntropy against softmax + a separate loss/grad
 * kernel, and logSoftmax; each with the CPU reference and the obvious plain-JS version.
 */
import unfusedWgsl from '../cross_entropy_unfused.wgsl?raw';
import { cpu, type Context, type Tensor } from '../../src/index';
import type { KernelSpec } from '../../src/gpu/kernel';
import { recordLossReduce } from '../../src/kernels/crossentropy';
import type { Row } from '../harness';
import { copyImpl, cpuImpl, webgpuImpl } from '../gpu-impls';
import { plainCrossEntropy, plainLogSoftmax, plainSoftmaxJacobian, plainSoftmaxVjp } from '../plain-js';
import { randomArray } from '../../test/util/compare';

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

export function softmaxVjpRows(ctx: Context, shapes: number[][]): Row[] {
  return shapes.map((shape) => ({
    op: 'softmaxVjp',
    shape,
    bytes: elements(shape) * 12,
    flops: null,
    async setup() {
      const [rows, cols] = shape;
      const s = cpu.softmax(randomArray(rows * cols, 3, -8, 8), shape);
      const dy = randomArray(rows * cols, 4, -1, 1);
      return [
        webgpuImpl(ctx, 'softmaxVjp', () => [ctx.tensor(s, shape), ctx.tensor(dy, shape)], ([st, dyt]) => [ctx.softmaxVjp(st, dyt)]),
        cpuImpl('cpu-reference', () => cpu.softmaxVjp(s, dy, shape)),
        cpuImpl('plain-js', () => plainSoftmaxVjp(s, dy, rows, cols)),
      ];
    },
  }));
}

export function logSoftmaxRows(ctx: Context, shapes: number[][]): Row[] {
  return shapes.map((shape) => ({
    op: 'logSoftmax',
    shape,
    bytes: elements(shape) * 8,
    flops: null,
    async setup() {
      const [rows, cols] = shape;
      const data = randomArray(rows * cols, 5, -8, 8);
      return [
        webgpuImpl(ctx, 'logSoftmax', () => [ctx.tensor(data, shape)], ([x]) => [ctx.logSoftmax(x)]),
        cpuImpl('cpu-reference', () => cpu.logSoftmax(data, shape)),
        cpuImpl('plain-js', () => plainLogSoftmax(data, rows, cols)),
      ];
    },
  }));
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
    const buffers = [s, labels, grad, rowLoss].map((t) => t.storage!.buffer!);
    gpu.dispatch(op, gpu.kernel(UNFUSED, { workgroupSize: 64 }), buffers, new Uint8Array(params), Math.ceil(rows / 64));
    recordLossReduce(gpu, op, rowLoss.storage!.buffer!, loss.storage!.buffer!, rows, 1 / rows);
    s.destroy();
    rowLoss.destroy();
    return [loss, grad];
  });
}

export function softmaxCrossEntropyRows(ctx: Context, shapes: number[][]): Row[] {
  return shapes.map((shape) => ({
    op: 'softmaxCrossEntropy',
    shape,
    // Logits read, gradient written, one label per row read, the loss written.
    bytes: elements(shape) * 8 + shape[0] * 4 + 4,
    flops: null,
    async setup() {
      const [rows, cols] = shape;
      const data = randomArray(rows * cols, 6, -8, 8);
      const labels = new Int32Array(rows).map((_, i) => (i * 7919) % cols);
      const upload = () => [ctx.tensor(data, shape), ctx.tensor(labels)];
      return [
        webgpuImpl(ctx, 'softmaxCrossEntropy', upload, ([x, l]) => {
          const { loss, grad } = ctx.softmaxCrossEntropy(x, l);
          return [loss, grad];
        }),
        webgpuImpl(ctx, 'softmax', upload, ([x, l]) => unfusedCrossEntropy(ctx, x, l), 'webgpu-nn-unfused'),
        cpuImpl('cpu-reference', () => cpu.softmaxCrossEntropy(data, labels, shape)),
        cpuImpl('plain-js', () => plainCrossEntropy(data, labels, rows, cols)),
      ];
    },
  }));
}
