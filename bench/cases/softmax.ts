/** softmax [4096, 1024]: webgpu-nn vs the copy floor, the CPU reference and plain JS. */
import { cpu, type Context } from '../../src/index';
import type { Row } from '../harness';
import { copyImpl, cpuImpl, webgpuImpl } from '../gpu-impls';
import { plainSoftmax } from '../plain-js';
import { randomArray } from '../../test/util/compare';

export function softmaxRows(ctx: Context, shapes: number[][]): Row[] {
  return shapes.map(([rows, cols]) => ({
    op: 'softmax',
    shape: [rows, cols],
    bytes: rows * cols * 8,
    flops: null,
    async setup() {
      const data = randomArray(rows * cols, 1, -8, 8);
      return [
        webgpuImpl(ctx, 'softmax', () => [ctx.tensor(data, [rows, cols])], ([x]) => [ctx.softmax(x)]),
        copyImpl(ctx, rows * cols * 4),
        cpuImpl('cpu-reference', () => cpu.softmax(data, [rows, cols])),
        cpuImpl('plain-js', () => plainSoftmax(data, rows, cols)),
      ];
    },
  }));
}
