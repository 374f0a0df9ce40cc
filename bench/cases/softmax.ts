/**
 * softmax over the last axis: webgpu-nn vs the copy floor, the CPU reference, plain JS, TF.js
 * (webgpu and cpu backends) and ONNX Runtime Web (WebGPU EP, a one-node Softmax model).
 */
import { cpu, type Context } from '../../src/index';
import { guarded, type Impl, type Row, type Tolerance } from '../harness';
import { copyImpl, cpuImpl, webgpuImpl } from '../gpu-impls';
import { plainSoftmax } from '../plain-js';
import type { Libs } from '../main';
import { randomArray } from '../../test/util/compare';

/**
 * Probabilities are <= 1. A float32 softmax whose normalizer sums up to 65536 terms in whatever
 * order a library picks is off by a few 1e-5 relative in the worst case; a wrong kernel is off by
 * far more (a wrong max, a missed row, a wrong axis).
 */
export const PROBABILITY_TOLERANCE: Tolerance = {
  atol: 1e-6,
  rtol: 1e-3,
  why: 'probabilities <= 1; float32 sums of up to 65536 terms in any order',
};

/** `libs`: TF.js and ONNX Runtime Web, or null (the Node runner has no comparison impls). */
export function softmaxRows(ctx: Context, shapes: number[][], libs: Libs | null): Row[] {
  return shapes.map(([rows, cols]) => {
    // Logits in [-8, 8): wide enough that the max subtraction matters.
    const data = randomArray(rows * cols, 1, -8, 8);
    return {
      op: 'softmax',
      shape: [rows, cols],
      bytes: rows * cols * 8,
      flops: null,
      tolerance: PROBABILITY_TOLERANCE,
      reference: () => [cpu.softmax(data, [rows, cols])],
      async setup() {
        const impls: Impl[] = [
          webgpuImpl(ctx, 'softmax', () => [ctx.tensor(data, [rows, cols])], ([x]) => [ctx.softmax(x)]),
          copyImpl(ctx, rows * cols * 4),
          cpuImpl('cpu-reference', () => cpu.softmax(data, [rows, cols])),
          cpuImpl('plain-js', () => plainSoftmax(data, rows, cols)),
        ];
        if (!libs) return impls;
        const { tf, tfjsImpl, ortImpl, oneNodeModel } = libs;
        const model = oneNodeModel({
          opType: 'Softmax',
          inputs: [{ name: 'x', shape: [rows, cols] }],
          output: { name: 'y', shape: [rows, cols] },
          intAttributes: { axis: -1 },
        });
        impls.push(
          await guarded('tfjs-webgpu', () => tfjsImpl('webgpu', () => [tf.tensor2d(data, [rows, cols])], ([x]) => tf.softmax(x))),
          await guarded('tfjs-cpu', () => tfjsImpl('cpu', () => [tf.tensor2d(data, [rows, cols])], ([x]) => tf.softmax(x))),
          await guarded('ort-webgpu', () => ortImpl(model, { x: { data, dims: [rows, cols] } })),
        );
        return impls;
      },
    };
  });
}
