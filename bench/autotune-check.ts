/**
 * Checks autotuning against an interleaved re-measurement (the goal: the autotuned variant
 * within 15% of the best candidate). A fresh context runs `ctx.autotune(op, shape)` with the
 * default budget and no stored results; then every usable variant, pinned in turn, is timed
 * interleaved on the full shape (device time, median). Variants over 10x the best on a 1/16-rows
 * trial (SwiftShader's workgroup softmax: seconds per run) are reported as skipped, not timed.
 */
import { createContext, type Context, type Tensor } from '../src/index';
import { deviceTime } from './gpu-impls';
import { median } from './harness';
import { randomArray } from '../test/util/compare';

export interface AutotuneCheck {
  op: string;
  shape: number[];
  /** The variant autotune chose, how (measured / single ...), and whether from reduced sizes only. */
  chosen: string | null;
  source: string;
  estimated: boolean;
  budget_ms: number;
  /** Wall time of the `autotune` call. */
  tuning_ms: number;
  /** Median device ms per variant, interleaved, full shape. */
  remeasured: Record<string, number>;
  /** Variants not re-measured, with why. */
  skipped: Record<string, string>;
  best: string | null;
  /** Chosen median over best median (1 = the chosen is the best). */
  chosen_vs_best: number | null;
}

/** The op at a number of rows of its shape (all of them, or a trial fraction). */
interface TuneCase {
  op: string;
  shape: number[];
  rows: number;
  /** Inputs for `rows` rows, and the op applied to them. */
  make(ctx: Context, rows: number): { run(): Tensor; dispose(): void };
}

/** Re-measures every usable variant of the case's op on its full shape, interleaved. */
async function remeasure(ctx: Context, c: TuneCase, reps: number) {
  const { op } = c;
  const full = c.make(ctx, c.rows);
  const trialCase = c.make(ctx, Math.max(1, c.rows >> 4));
  try {
    const trial: Record<string, number> = {};
    for (const variant of ctx.kernelVariants(op)) {
      ctx.setKernelVariant(op, variant);
      const ms = await deviceTime(ctx, () => [trialCase.run()]);
      // A pinned variant that cannot run this shape falls back to the rule: not a candidate.
      if (ctx.lastKernelVariant(op) === variant) trial[variant] = ms;
    }
    const bestTrial = Math.min(...Object.values(trial));
    const timed = Object.keys(trial).filter((v) => trial[v] <= 10 * bestTrial);
    const skipped = Object.fromEntries(
      Object.keys(trial)
        .filter((v) => !timed.includes(v))
        .map((v) => [v, `${(trial[v] / bestTrial).toFixed(0)}x the best on 1/16 of the rows`]),
    );
    // Warm-up on the full shape, where a variant that ran on the trial's fewer rows may not run
    // (rows-split cuts only a few rows): one that falls back to the rule is not re-measured.
    const runnable: string[] = [];
    for (const v of timed) {
      ctx.setKernelVariant(op, v);
      await deviceTime(ctx, () => [full.run()]);
      if (ctx.lastKernelVariant(op) === v) runnable.push(v);
    }
    const samples = new Map(runnable.map((v) => [v, [] as number[]]));
    for (let rep = 0; rep < reps; rep++) {
      for (const v of runnable) {
        ctx.setKernelVariant(op, v);
        samples.get(v)!.push(await deviceTime(ctx, () => [full.run()]));
      }
    }
    ctx.setKernelVariant(op, 'auto');
    return { remeasured: Object.fromEntries([...samples].map(([v, xs]) => [v, median(xs)])), skipped };
  } finally {
    full.dispose();
    trialCase.dispose();
  }
}

async function checkAutotune(c: TuneCase, reps: number): Promise<AutotuneCheck> {
  const ctx = await createContext({ backend: 'webgpu', autotune: { background: false, storage: null } });
  try {
    const t0 = performance.now();
    const tuned = await ctx.autotune(c.op, c.shape);
    const tuningMs = performance.now() - t0;
    const { remeasured, skipped } = await remeasure(ctx, c, reps);
    const names = Object.keys(remeasured);
    const best = names.length ? names.reduce((a, b) => (remeasured[b] < remeasured[a] ? b : a)) : null;
    const chosen = tuned.variant;
    return {
      op: c.op,
      shape: c.shape,
      chosen,
      source: tuned.source,
      estimated: tuned.estimated,
      budget_ms: tuned.budgetMs,
      tuning_ms: tuningMs,
      remeasured,
      skipped,
      best,
      chosen_vs_best: chosen !== null && best !== null && chosen in remeasured ? remeasured[chosen] / remeasured[best] : null,
    };
  } finally {
    ctx.destroy();
  }
}

export function checkSoftmaxAutotune(shape: number[], reps: number): Promise<AutotuneCheck> {
  const [rows, cols] = shape;
  const data = randomArray(rows * cols, 5, -8, 8);
  return checkAutotune(
    {
      op: 'softmax',
      shape,
      rows,
      make(ctx, r) {
        const x = ctx.tensor(data.subarray(0, r * cols), [r, cols]);
        return { run: () => ctx.softmax(x), dispose: () => x.destroy() };
      },
    },
    reps,
  );
}

/** matmul [M, K, N]: the GEMM that dense and denseBackward use too. */
export function checkMatmulAutotune(shape: number[], reps: number): Promise<AutotuneCheck> {
  const [m, k, n] = shape;
  const a = randomArray(m * k, 7);
  const b = randomArray(k * n, 8);
  return checkAutotune(
    {
      op: 'matmul',
      shape,
      rows: m,
      make(ctx, r) {
        const at = ctx.tensor(a.subarray(0, r * k), [r, k]);
        const bt = ctx.tensor(b, [k, n]);
        return {
          run: () => ctx.matmul(at, bt),
          dispose() {
            at.destroy();
            bt.destroy();
          },
        };
      },
    },
    reps,
  );
}
