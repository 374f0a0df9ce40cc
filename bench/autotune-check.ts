/**
 * Checks autotuning against an interleaved re-measurement (issue target: the autotuned variant
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

/** Re-measures the variants of `op` on `shape`; `run` applies the op to the input tensor. */
async function remeasure(ctx: Context, op: string, input: Tensor, trialInput: Tensor, run: (x: Tensor) => Tensor, reps: number) {
  const trial: Record<string, number> = {};
  for (const variant of ctx.kernelVariants(op)) {
    ctx.setKernelVariant(op, variant);
    const ms = await deviceTime(ctx, () => [run(trialInput)]);
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
  const samples = new Map(timed.map((v) => [v, [] as number[]]));
  for (const v of timed) {
    ctx.setKernelVariant(op, v);
    await deviceTime(ctx, () => [run(input)]); // warm-up
  }
  for (let rep = 0; rep < reps; rep++) {
    for (const v of timed) {
      ctx.setKernelVariant(op, v);
      samples.get(v)!.push(await deviceTime(ctx, () => [run(input)]));
    }
  }
  ctx.setKernelVariant(op, 'auto');
  return { remeasured: Object.fromEntries([...samples].map(([v, xs]) => [v, median(xs)])), skipped };
}

export async function checkSoftmaxAutotune(shape: number[], reps: number): Promise<AutotuneCheck> {
  const ctx = await createContext({ backend: 'webgpu', autotune: { background: false, storage: null } });
  try {
    const t0 = performance.now();
    const tuned = await ctx.autotune('softmax', shape);
    const tuningMs = performance.now() - t0;
    const [rows, cols] = shape;
    const data = randomArray(rows * cols, 5, -8, 8);
    const trialRows = Math.max(1, rows >> 4);
    const x = ctx.tensor(data, shape);
    const small = ctx.tensor(data.subarray(0, trialRows * cols), [trialRows, cols]);
    const { remeasured, skipped } = await remeasure(ctx, 'softmax', x, small, (t) => ctx.softmax(t), reps);
    const names = Object.keys(remeasured);
    const best = names.length ? names.reduce((a, b) => (remeasured[b] < remeasured[a] ? b : a)) : null;
    const chosen = tuned.variant;
    return {
      op: 'softmax',
      shape,
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
