/**
 * Benchmark harness (runs in the page). A row is one op at one shape with several impls; the
 * impls of a row are run interleaved (A B C A B C ...) after a warm-up, so that their ratios
 * survive a noisy machine. GPU impls report device time (timestamp queries: input already on the
 * device, output left there) plus a separate upload + compute + readback wall time; CPU impls
 * report wall time.
 */
export interface Impl {
  impl: string;
  /** The kernel variant that ran, where the impl has variants. */
  variant?: () => string | null;
  /** One timed run, in ms (device time for GPU impls, wall time for CPU impls). */
  run(): Promise<number>;
  /** Upload + compute + readback, wall ms; GPU impls only. */
  roundtrip?(): Promise<number>;
  /** Extra fields for the JSON row (e.g. samples_per_s), computed from the median. */
  extra?(medianMs: number): Record<string, number | string | null>;
  dispose?(): void;
}

export interface Row {
  op: string;
  shape: number[];
  /** The fewest bytes the op must read plus write (for gbps), or null. */
  bytes: number | null;
  /** Floating-point operations (for gflops, where arithmetic dominates), or null. */
  flops: number | null;
  /** Builds the impls (allocations happen here, outside the timed region). */
  setup(): Promise<Impl[]>;
}

export interface Result {
  op: string;
  impl: string;
  shape: number[];
  variant: string | null;
  median_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  roundtrip_ms: number | null;
  gbps: number | null;
  gflops: number | null;
  [extra: string]: unknown;
}

export interface Settings {
  reps: number;
  roundtripReps: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export async function measureRow(row: Row, settings: Settings): Promise<Result[]> {
  const impls = await row.setup();
  try {
    const times = impls.map(() => [] as number[]);
    const roundtrips = impls.map(() => [] as number[]);
    for (const impl of impls) {
      await impl.run();
      await impl.roundtrip?.();
    }
    for (let rep = 0; rep < settings.reps; rep++) {
      for (let i = 0; i < impls.length; i++) times[i].push(await impls[i].run());
    }
    for (let rep = 0; rep < settings.roundtripReps; rep++) {
      for (let i = 0; i < impls.length; i++) {
        const rt = impls[i].roundtrip;
        if (rt) roundtrips[i].push(await rt.call(impls[i]));
      }
    }
    return impls.map((impl, i) => {
      const med = median(times[i]);
      return {
        op: row.op,
        impl: impl.impl,
        shape: row.shape,
        variant: impl.variant?.() ?? null,
        median_ms: med,
        min_ms: Math.min(...times[i]),
        max_ms: Math.max(...times[i]),
        roundtrip_ms: roundtrips[i].length ? median(roundtrips[i]) : null,
        gbps: row.bytes === null ? null : row.bytes / (med * 1e6),
        gflops: row.flops === null ? null : row.flops / (med * 1e6),
        ...impl.extra?.(med),
      };
    });
  } finally {
    for (const impl of impls) impl.dispose?.();
  }
}

/** Wall time of a synchronous CPU function, in ms. */
export function wallTime(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}
