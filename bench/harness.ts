/**
 * Benchmark harness (runs in the page). A row is one op at one shape with several impls. Each
 * impl's output is first checked against the CPU reference (`cpu.*`); an impl whose output is
 * wrong, or that throws, is reported with that status and is not timed. The impls that pass are
 * run interleaved (A B C A B C ...) after a warm-up, so that their ratios survive a noisy machine.
 * GPU impls report device time (input already on the device, output left there) plus a separate
 * upload + compute + readback wall time; CPU impls report wall time.
 */
import { compare, type Comparison } from '../test/util/compare';

export interface Impl {
  impl: string;
  /** The kernel variant that ran, where the impl has variants. */
  variant?: () => string | null;
  /**
   * The outputs of every timed path, computed once before any timing: one list of output arrays
   * per path (the device-time path, and the roundtrip path where it runs different code), each
   * compared with the row's reference. Impls without it (the copy floor) are not checked.
   */
  outputs?(): Promise<Float32Array[][]>;
  /**
   * Set by `outputs()` when its run was timed exactly as `run()` times it (the `fit` rows: the
   * same `fit` call); the harness counts it as a timed sample of a slow impl (see measureRow).
   */
  checkSampleMs?: number;
  /**
   * One timed run, in ms: device time for GPU impls, wall time for CPU impls; null where the
   * impl has no device time on this adapter (then `median_ms` is null and comparisons use
   * `roundtrip_ms`).
   */
  run(): Promise<number | null>;
  /** Upload + compute + readback, wall ms; GPU impls only. */
  roundtrip?(): Promise<number>;
  /** Extra fields for the JSON row (e.g. samples_per_s), computed from the median. */
  extra?(medianMs: number | null): Record<string, number | string | null>;
  dispose?(): void | Promise<void>;
}

/** Per-impl acceptance: |impl - reference| <= atol + rtol * |reference|, elementwise. */
export interface Tolerance {
  atol: number;
  rtol: number;
  /** Why these numbers (printed in BENCHMARKS.md). */
  why: string;
}

export interface Row {
  op: string;
  shape: number[];
  /** The fewest bytes the op must read plus write (for gbps), or null. */
  bytes: number | null;
  /** Floating-point operations (for gflops, where arithmetic dominates), or null. */
  flops: number | null;
  /**
   * The CPU reference outputs (`cpu.*`), in the order impls return theirs. A row without one
   * reports its impls as 'unchecked: no reference'.
   */
  reference?(): Float32Array[] | Promise<Float32Array[]>;
  /** One tolerance for every output, or one per output. */
  tolerance?: Tolerance | Tolerance[];
  /**
   * Builds the impls (allocations happen here, outside the timed region). An impl that cannot be
   * built is given as a `failedImpl`, so that the others still run.
   */
  setup(): Promise<Impl[]>;
}

export interface Result {
  op: string;
  impl: string;
  shape: number[];
  variant: string | null;
  /**
   * 'ok' (checked), 'unchecked' (no output to check: the copy floor; or 'unchecked: no reference'),
   * 'wrong: ...', 'error: ...'.
   */
  status: string;
  median_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  roundtrip_ms: number | null;
  gbps: number | null;
  gflops: number | null;
  /** Timed runs behind median_ms. */
  runs: number;
  [extra: string]: unknown;
}

/** Repetitions: at least `min`, then more up to `max` while the row is within `budgetMs`. */
export interface Settings {
  reps: { min: number; max: number };
  roundtripReps: { min: number; max: number };
  /** Wall-time budget of a row's timed repetitions (roundtrips get half of it). */
  budgetMs: number;
  /**
   * Impls whose correctness run (or, for impls with `checkSampleMs`, first timed run) took longer
   * than `ms` (TF.js and ORT on SwiftShader: up to 40 s a run) are timed `reps` times and roundtripped `roundtrips` times: their ratios to the fast
   * impls are far larger than their spread, and the default run must fit its time budget.
   */
  slow: { ms: number; reps: number; roundtrips: number };
  /** Impls slower than `ms` a run (TF.js fitting XOR on its webgpu backend: about a minute) get `reps` runs. */
  verySlow?: { ms: number; reps: number };
}

/**
 * A full garbage collection, where the page exposes gc() (Chromium runs with --expose-gc, see
 * scripts/chrome.mjs), before each timed run: the CPU impls allocate arrays per op, and without
 * it their garbage was collected during the next impl's timed run (a webgpu-nn fit-mlp fit right
 * after a cpu-backend fit: 8-14% slower in three measured runs; bench/HISTORY.md).
 */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs `rep` (one interleaved pass over the impls) `min` times, then up to `max` within budget. */
async function repeat(reps: { min: number; max: number }, budgetMs: number, rep: () => Promise<void>): Promise<void> {
  const t0 = performance.now();
  for (let n = 0; n < reps.max; n++) {
    // Stop before a repetition that would likely end past the budget.
    if (n >= reps.min && ((performance.now() - t0) * (n + 1)) / n > budgetMs) break;
    await rep();
  }
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** An impl that could not be built (e.g. the library rejects the op): reported, never timed. */
export function failedImpl(impl: string, error: unknown): Impl {
  const message = error instanceof Error ? error.message : String(error);
  return {
    impl,
    outputs: () => Promise.reject(new Error(message)),
    run: () => Promise.reject(new Error(message)),
  };
}

/** Builds an impl, turning a failure into a `failedImpl` so that one library cannot sink a row. */
export async function guarded(impl: string, build: () => Impl | Promise<Impl>): Promise<Impl> {
  try {
    return await build();
  } catch (error) {
    return failedImpl(impl, error);
  }
}

function oneLine(message: string): string {
  const line = message.split('\n')[0];
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

function describeMismatch(c: Comparison, tol: Tolerance, output: number, path: number): string {
  const at = c.first[0];
  const where = at ? `; first at [${at.index}]: ${at.actual} vs ${at.expected}` : '';
  const label = path > 0 ? ` (roundtrip path)` : '';
  return `wrong${label}: output ${output}: ${c.mismatches}/${c.length} outside ${tol.atol} + ${tol.rtol}*|ref|, max err ${c.maxAbsError.toExponential(2)}${where}`;
}

/** 'ok', or why the impl's outputs do not match the reference; and how long the impl's run took. */
async function check(impl: Impl, reference: Float32Array[] | null, tolerance: Tolerance | Tolerance[] | undefined): Promise<{ status: string; ms: number }> {
  if (!impl.outputs) return { status: 'unchecked', ms: 0 };
  const t0 = performance.now();
  const paths = await impl.outputs();
  const ms = performance.now() - t0;
  return { status: compareOutputs(paths, reference, tolerance), ms };
}

function compareOutputs(paths: Float32Array[][], reference: Float32Array[] | null, tolerance: Tolerance | Tolerance[] | undefined): string {
  if (!reference || !tolerance) return 'unchecked: no reference';
  for (let p = 0; p < paths.length; p++) {
    const outs = paths[p];
    if (outs.length !== reference.length) return `wrong: ${outs.length} outputs, expected ${reference.length}`;
    for (let o = 0; o < outs.length; o++) {
      const tol = Array.isArray(tolerance) ? tolerance[o] : tolerance;
      const c = compare(outs[o], reference[o], tol.atol, tol.rtol);
      if (c.mismatches > 0) return describeMismatch(c, tol, o, p);
    }
  }
  return 'ok';
}

export async function measureRow(row: Row, settings: Settings): Promise<Result[]> {
  const impls = await row.setup();
  const statuses: string[] = [];
  const checkMs: number[] = [];
  try {
    const reference = row.reference ? await row.reference() : null;
    for (const impl of impls) {
      try {
        const { status, ms } = await check(impl, reference, row.tolerance);
        statuses.push(status);
        checkMs.push(ms);
      } catch (error) {
        statuses.push(`error: ${oneLine(error instanceof Error ? error.message : String(error))}`);
        checkMs.push(0);
      }
    }
    // A check run that was timed like run() (checkSampleMs) also paid for one-time work (pipeline
    // compilation: seconds on SwiftShader), so such an impl is judged slow by its first timed run,
    // and its check sample counts only then (it saves one multi-second run of a slow impl).
    // How many timed runs an impl gets, from the duration of one run (Infinity: as many as the
    // row's repetitions allow).
    const runCap = (ms: number) =>
      settings.verySlow && ms > settings.verySlow.ms ? settings.verySlow.reps : ms > settings.slow.ms ? Math.min(settings.slow.reps, settings.reps.min) : Infinity;
    const cap = impls.map((impl, i) => (impl.checkSampleMs === undefined ? runCap(checkMs[i]) : Infinity));
    const timed = impls.map((_, i) => statuses[i] === 'ok' || statuses[i].startsWith('unchecked'));
    const times = impls.map(() => [] as (number | null)[]);
    const roundtrips = impls.map(() => [] as number[]);
    // The correctness check ran every checked impl's timed paths once (pipelines compiled,
    // sessions initialized): it is their warm-up. Unchecked impls get one untimed run.
    for (let i = 0; i < impls.length; i++) if (timed[i] && statuses[i] === 'unchecked' && !impls[i].outputs) await impls[i].run();
    const timeOnce = async (i: number) => {
      collectGarbage();
      const ms = await impls[i].run();
      times[i].push(ms);
      const sample = impls[i].checkSampleMs;
      if (times[i].length === 1 && sample !== undefined) {
        cap[i] = runCap(ms ?? sample);
        if (cap[i] !== Infinity) times[i].unshift(sample);
      }
    };
    const slow = (i: number) => cap[i] !== Infinity;
    const wantRoundtrips = (i: number) => (slow(i) ? Math.min(settings.slow.roundtrips, settings.roundtripReps.min) : Infinity);
    await repeat(settings.reps, settings.budgetMs, async () => {
      for (let i = 0; i < impls.length; i++) if (timed[i] && times[i].length < cap[i]) await timeOnce(i);
    });
    await repeat(settings.roundtripReps, settings.budgetMs / 2, async () => {
      for (let i = 0; i < impls.length; i++) {
        const rt = impls[i].roundtrip;
        if (timed[i] && rt && roundtrips[i].length < wantRoundtrips(i)) {
          collectGarbage();
          roundtrips[i].push(await rt.call(impls[i]));
        }
      }
    });
    return impls.map((impl, i) => {
      const samples = times[i];
      const deviceTimes = samples.length > 0 && samples.every((t): t is number => t !== null) ? samples : null;
      const med = deviceTimes ? median(deviceTimes) : null;
      return {
        op: row.op,
        impl: impl.impl,
        shape: row.shape,
        variant: timed[i] ? (impl.variant?.() ?? null) : null,
        status: statuses[i],
        median_ms: med,
        min_ms: deviceTimes ? Math.min(...deviceTimes) : null,
        max_ms: deviceTimes ? Math.max(...deviceTimes) : null,
        roundtrip_ms: roundtrips[i].length ? median(roundtrips[i]) : null,
        gbps: row.bytes === null || med === null ? null : row.bytes / (med * 1e6),
        gflops: row.flops === null || med === null ? null : row.flops / (med * 1e6),
        runs: samples.length,
        ...(timed[i] ? impl.extra?.(med) : undefined),
      };
    });
  } finally {
    for (const impl of impls) await impl.dispose?.();
  }
}

/** Wall time of a synchronous CPU function, in ms. */
export function wallTime(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}
