/**
 * The measurement plan of one tuning, independent of the GPU (tested in Node with a fake clock).
 *
 * Candidates climb a ladder of problem sizes, smallest first, ending at the full problem (for
 * softmax: fewer rows of the same length). At each level every remaining candidate runs (its first
 * run anywhere is preceded by an untimed warm-up: pipeline compile); then those far slower than the
 * best at that level are dropped: PRUNE[level] x the best, generous at small sizes (where
 * parallelism differs from the full problem) and tight at the full size. At the full size the
 * survivors run interleaved (A B C A B C ...) for up to `maxRounds` rounds. The winner is the
 * fastest median at the full size; where the budget ends the climb below it, the fixed rule stays
 * (unless it was dropped as far slower): smaller sizes rank variants but do not decide.
 *
 * So a hopeless variant (SwiftShader's workgroup softmax is 50x the best) costs a few milliseconds
 * on a tiny problem and never runs at full size.
 *
 * Budget: a step (one run, with its warm-up if it is the variant's first) starts only while it is
 * predicted to end within `budgetMs` of the start: from its own last run at that size, else its
 * last run at a smaller size (device time scaled up), else (never run) the rule's first step
 * (first steps are mostly pipeline compilation). The rule's first step always runs. So a tuning
 * ends within `budgetMs` plus its longest step.
 */

/** One timed run: device time (what is compared) and wall time (what the budget is spent on). */
export interface Measurement {
  deviceMs: number;
  wallMs: number;
}

export interface TrialRunner {
  /**
   * Full problem size over each level's size, smallest problem first; the last is 1 (the full
   * problem).
   */
  readonly scales: readonly number[];
  /** Times one run of `variant` at `level`; the variant's first run also warms it up (untimed). */
  run(variant: string, level: number): Promise<Measurement>;
}

export interface SelectOptions {
  budgetMs: number;
  maxRounds: number;
  /** Wall clock in ms (performance.now in the library; a fake one in tests). */
  now: () => number;
}

export interface Selection {
  winner: string;
  /**
   * Median device ms per variant run at the largest size reached, scaled to the full problem
   * where that size is smaller (then `estimated`).
   */
  timings: Record<string, number>;
  estimated: boolean;
  /** Rounds at the full size. */
  rounds: number;
  elapsedMs: number;
  /** The longest single step (a run, with its warm-up where it had one), wall ms. */
  longestStepMs: number;
}

/** Drop a candidate over this many times the best at a level: [smallest, middle..., full]. */
const PRUNE_SMALLEST = 8;
const PRUNE_MIDDLE = 3;
const PRUNE_FULL = 1.5;
/** A candidate never run is predicted to cost this many times the rule's first step. */
const UNKNOWN_STEP_FACTOR = 1;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Picks the fastest of `candidates` (the rule's choice first; all usable for the problem). */
export async function selectVariant(candidates: readonly string[], runner: TrialRunner, options: SelectOptions): Promise<Selection> {
  const { budgetMs, maxRounds, now } = options;
  const { scales } = runner;
  const full = scales.length - 1;
  if (candidates.length === 0) throw new Error('selectVariant: no candidates');
  if (scales.length === 0 || scales[full] !== 1) throw new Error('selectVariant: the last level must be the full problem');
  // The clock starts with the first step, so that the time spent before it (however small; the
  // browser's clock is coarse) cannot push a one-step tuning past its budget plus that step.
  let start = 0;
  let elapsedMs = 0;
  let longestStepMs = 0;
  let ruleFirstStep = 0;
  let steps = 0;
  /** samples[level][variant]: device ms. */
  const samples = scales.map(() => new Map<string, number[]>());
  /** The last run of each variant at each level. */
  const last = scales.map(() => new Map<string, Measurement>());
  const levelMedian = (level: number, v: string) => median(samples[level].get(v)!);

  const predict = (v: string, level: number): number => {
    const same = last[level].get(v);
    if (same) return same.wallMs;
    for (let l = level - 1; l >= 0; l--) {
      // The device time grows with the size; the rest of the wall time (submit, readback) does not.
      const smaller = last[l].get(v);
      if (smaller) return Math.max(0, smaller.wallMs - smaller.deviceMs) + smaller.deviceMs * (scales[l] / scales[level]);
    }
    return ruleFirstStep * UNKNOWN_STEP_FACTOR;
  };

  /** Runs `v` at `level` if the budget allows; false when it does not. */
  const step = async (v: string, level: number): Promise<boolean> => {
    const t0 = now();
    if (steps === 0) start = t0;
    if (steps > 0 && t0 - start + predict(v, level) > budgetMs) return false;
    const m = await runner.run(v, level);
    const t1 = now();
    if (steps === 0) ruleFirstStep = t1 - t0;
    steps++;
    longestStepMs = Math.max(longestStepMs, t1 - t0);
    elapsedMs = t1 - start;
    const list = samples[level].get(v) ?? [];
    list.push(m.deviceMs);
    samples[level].set(v, list);
    last[level].set(v, m);
    return true;
  };

  const rule = candidates[0];
  let survivors = [...candidates];
  let reached = 0;
  let rounds = 0;
  if (candidates.length > 1) {
    climb: for (let level = 0; level <= full; level++) {
      const prune = level === full ? PRUNE_FULL : level === 0 ? PRUNE_SMALLEST : PRUNE_MIDDLE;
      const reps = level === full ? maxRounds : 1;
      for (let rep = 0; rep < reps; rep++) {
        for (const v of survivors) {
          if (!(await step(v, level))) break climb;
        }
        reached = level;
        if (level === full) rounds++;
        const measured = survivors.filter((v) => samples[level].has(v));
        const best = Math.min(...measured.map((v) => levelMedian(level, v)));
        // The rule first (if it is still in): it is the prior, which only full-size runs can
        // overturn, so it must get one before the budget cuts; the rest fastest first.
        survivors = measured
          .filter((v) => levelMedian(level, v) <= prune * best)
          .sort((a, b) => (a === rule ? -1 : b === rule ? 1 : levelMedian(level, a) - levelMedian(level, b)));
        if (survivors.length === 1) break climb;
      }
    }
  }

  // Decide at the full size when anything ran there (the rule did, unless it was dropped as far
  // slower). Sizes below full only rank variants for pruning: how a kernel uses the device changes
  // with the number of rows, so they never overturn the rule.
  const ranFull = [...samples[full].keys()];
  if (ranFull.length > 0) {
    const timings = Object.fromEntries(ranFull.map((v) => [v, levelMedian(full, v)]));
    const winner = ranFull.reduce((a, b) => (timings[b] < timings[a] ? b : a));
    return { winner, timings, estimated: false, rounds, elapsedMs, longestStepMs };
  }
  let top = reached;
  for (let l = full; l > reached; l--) {
    if (samples[l].size > 0) {
      top = l;
      break;
    }
  }
  const atTop = [...samples[top].keys()];
  const timings = Object.fromEntries(atTop.map((v) => [v, levelMedian(top, v) * scales[top]]));
  const winner = survivors.includes(rule) || atTop.length === 0 ? rule : atTop.reduce((a, b) => (timings[b] < timings[a] ? b : a));
  return { winner, timings, estimated: candidates.length > 1, rounds, elapsedMs, longestStepMs };
}
