/** Benchmark entry point, run in headless Chromium by bench/run.mjs. */
import { createContext, type Context } from '../src/index';
import { measureRow, type Result, type Row, type Settings } from './harness';
import { softmaxRows } from './cases/softmax';
import { denseBackwardRows, denseRows, matmulRows } from './cases/matmul';
import { logSoftmaxRows, softmaxCrossEntropyRows, softmaxJacobianRows, softmaxVjpRows } from './cases/derivatives';
import { fitRows } from './cases/fit';
import { checkMatmulAutotune, checkSoftmaxAutotune, type AutotuneCheck } from './autotune-check';

/** TF.js and ONNX Runtime Web (bench/libs), loaded only for runs that compare with them. */
export type Libs = typeof import('./libs/index');

export interface BenchArgs {
  quick: boolean;
  /** Add the TF.js and ONNX Runtime Web impls (the browser run; the Node runner cannot). */
  compare?: boolean;
  /** Only rows whose op matches (exact name), when given. */
  ops: string[] | null;
  /** Only these impls (exact names), when given. */
  impls?: string[] | null;
  /** Pin kernel variants: op -> variant. */
  variants: Record<string, string>;
  /** Check autotuning against a re-measurement of every variant (default: true, false for --quick). */
  autotune?: boolean;
  /** Only the first row (shape) of each op. */
  firstShapeOnly?: boolean;
  /** Repetitions instead of SETTINGS' (the bench page's quick mode has its own). */
  settings?: Settings;
}

/**
 * The default run: every op at the shapes the performance targets name. `--quick` runs the first shape of
 * each op at the minimum repetitions.
 */
const SHAPES = {
  softmax: [[4096, 1024], [65536, 128], [64, 65536]],
  softmaxJacobian: [[1024, 256], [4096, 64]],
  softmaxVjp: [[4096, 1024]],
  softmaxCrossEntropy: [[4096, 1024]],
  logSoftmax: [[4096, 1024]],
  matmul: [[256, 256, 256], [512, 512, 512], [1024, 1024, 1024]],
  dense: [[4096, 784, 256]],
};

/**
 * --quick leaves out the 1024^3 product and runs the dense layer on a quarter of the batch: their
 * CPU impls alone take minutes at full size on this machine.
 */
/** The GEMM shape whose autotuning is checked (its variants' runs cost seconds at 1024^3 here). */
const AUTOTUNE_MATMUL = [[512, 512, 512]];

const QUICK_SHAPES = {
  matmul: [[256, 256, 256], [512, 512, 512]],
  dense: [[1024, 784, 256]],
};

export const SETTINGS: Record<'default' | 'quick', Settings> = {
  default: { reps: { min: 5, max: 9 }, roundtripReps: { min: 3, max: 5 }, budgetMs: 30_000, slow: { ms: 5000, reps: 3, roundtrips: 1 }, verySlow: { ms: 30_000, reps: 2 } },
  // The smoke run: impls over 2 s a run (the CPU training rows) get 3 runs, so it stays near 2 min.
  quick: { reps: { min: 5, max: 5 }, roundtripReps: { min: 3, max: 3 }, budgetMs: 0, slow: { ms: 2000, reps: 3, roundtrips: 1 } },
};

/** For a page that shows the run as it goes (the demo site's bench page). */
export interface BenchHooks {
  /** The webgpu context to measure on (the page's; left alive), instead of a fresh one. */
  context?: Context;
  /** Before each row: its label, its index among the rows that run, and their number. */
  onRowStart?: (label: string, index: number, total: number) => void;
  /** After each row, with its results. */
  onRow?: (results: Result[], index: number, total: number) => void;
}

export async function main(args: BenchArgs, hooks: BenchHooks = {}) {
  const ctx = hooks.context ?? (await createContext({ backend: 'webgpu' }));
  for (const [op, variant] of Object.entries(args.variants)) ctx.setKernelVariant(op, variant);
  const settings = args.settings ?? (args.quick ? SETTINGS.quick : SETTINGS.default);
  const shapes = (list: number[][], quick = list.slice(0, 1)) => (args.quick ? quick : list);
  const libs: Libs | null = args.compare ? await import('./libs/index') : null;
  const rows: Row[] = [
    ...softmaxRows(ctx, shapes(SHAPES.softmax), libs),
    ...softmaxJacobianRows(ctx, shapes(SHAPES.softmaxJacobian)),
    ...softmaxVjpRows(ctx, shapes(SHAPES.softmaxVjp), libs),
    ...softmaxCrossEntropyRows(ctx, shapes(SHAPES.softmaxCrossEntropy), libs),
    ...logSoftmaxRows(ctx, shapes(SHAPES.logSoftmax), libs),
    ...matmulRows(ctx, shapes(SHAPES.matmul, QUICK_SHAPES.matmul), libs),
    ...denseRows(ctx, shapes(SHAPES.dense, QUICK_SHAPES.dense), libs),
    ...denseBackwardRows(ctx, shapes(SHAPES.dense, QUICK_SHAPES.dense), libs),
    ...fitRows(ctx, libs),
  ];
  const results: Result[] = [];
  const started = performance.now();
  const selected = rows
    .filter((row) => !args.ops || args.ops.includes(row.op))
    .filter((row, i, all) => !args.firstShapeOnly || all.findIndex((r) => r.op === row.op) === i);
  for (const [index, row] of selected.entries()) {
    const label = `${row.op} [${row.shape.join(', ')}]`;
    console.log(`bench: ${label} ...`);
    hooks.onRowStart?.(label, index, selected.length);
    const t0 = performance.now();
    const impls = args.impls;
    const rowResults = await measureRow(impls ? onlyImpls(row, impls) : row, settings);
    results.push(...rowResults);
    hooks.onRow?.(rowResults, index, selected.length);
    console.log(`bench: ${label} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const autotune: AutotuneCheck[] = [];
  if (args.autotune ?? !args.quick) {
    const checks = [
      ...shapes(SHAPES.softmax).map((shape) => ({ op: 'softmax', shape, run: checkSoftmaxAutotune })),
      ...AUTOTUNE_MATMUL.map((shape) => ({ op: 'matmul', shape, run: checkMatmulAutotune })),
    ];
    for (const { op, shape, run } of checks) {
      if (args.ops && !args.ops.includes(op)) continue;
      const label = `autotune ${op} [${shape.join(', ')}]`;
      console.log(`bench: ${label} ...`);
      const t0 = performance.now();
      autotune.push(await run(shape, settings.reps.min));
      console.log(`bench: ${label} took ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  }
  const adapter = ctx.adapterInfo!;
  if (!hooks.context) ctx.destroy();
  return {
    adapter: { vendor: adapter.vendor, architecture: adapter.architecture, description: adapter.description },
    settings,
    seconds: (performance.now() - started) / 1000,
    results,
    autotune,
  };
}

/** `row` with only the named impls (the others are built, then disposed at once). */
function onlyImpls(row: Row, names: string[]): Row {
  return {
    ...row,
    async setup() {
      const all = await row.setup();
      for (const impl of all) if (!names.includes(impl.impl)) await impl.dispose?.();
      return all.filter((impl) => names.includes(impl.impl));
    },
  };
}
