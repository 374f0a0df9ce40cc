/** Benchmark entry point, run in headless Chromium by bench/run.mjs. */
import { createContext } from '../src/index';
import { measureRow, type Result, type Row } from './harness';
import { softmaxRows } from './cases/softmax';
import { denseBackwardRows, denseRows, matmulRows } from './cases/matmul';
import { logSoftmaxRows, softmaxCrossEntropyRows, softmaxJacobianRows, softmaxVjpRows } from './cases/derivatives';
import { fitRows } from './cases/fit';

export interface BenchArgs {
  quick: boolean;
  /** Only rows whose op matches (exact name), when given. */
  ops: string[] | null;
  /** Pin kernel variants: op -> variant. */
  variants: Record<string, string>;
}

export async function main(args: BenchArgs) {
  const ctx = await createContext({ backend: 'webgpu' });
  for (const [op, variant] of Object.entries(args.variants)) ctx.setKernelVariant(op, variant);
  const settings = args.quick ? { reps: 5, roundtripReps: 3 } : { reps: 9, roundtripReps: 5 };
  // --quick leaves out the 1024^3 product and runs the dense layer on a quarter of the batch:
  // their CPU impls alone take minutes at full size on this machine.
  const matmulShapes = args.quick ? [[256, 256, 256], [512, 512, 512]] : [[256, 256, 256], [512, 512, 512], [1024, 1024, 1024]];
  const denseShapes = args.quick ? [[1024, 784, 256]] : [[4096, 784, 256]];
  const rows: Row[] = [
    ...softmaxRows(ctx, [[4096, 1024]]),
    ...softmaxJacobianRows(ctx, [[1024, 256], [4096, 64]]),
    ...softmaxVjpRows(ctx, [[4096, 1024]]),
    ...softmaxCrossEntropyRows(ctx, [[4096, 1024]]),
    ...logSoftmaxRows(ctx, [[4096, 1024]]),
    ...matmulRows(ctx, matmulShapes),
    ...denseRows(ctx, denseShapes),
    ...denseBackwardRows(ctx, denseShapes),
    ...fitRows(ctx),
  ];
  const results: Result[] = [];
  for (const row of rows) {
    if (args.ops && !args.ops.includes(row.op)) continue;
    console.log(`bench: ${row.op} [${row.shape.join(', ')}] ...`);
    results.push(...(await measureRow(row, settings)));
  }
  const adapter = ctx.adapterInfo!;
  ctx.destroy();
  return { adapter: { vendor: adapter.vendor, architecture: adapter.architecture, description: adapter.description }, results };
}
