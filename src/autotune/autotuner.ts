/**
 * Kernel autotuning: times an op's usable variants on the context's device and keeps the fastest
 * per op and shape bucket (src/autotune/bucket.ts), in memory and, in browsers, in localStorage
 * keyed by the adapter (src/autotune/store.ts). The measurement plan and its time budget are in
 * src/autotune/select.ts; what it knows of each op comes from the op's definition (its variants'
 * `tuning`), for the ops this program imports.
 *
 * Tuning records into the context's command stream like any op, but never through the op itself,
 * so it neither changes `lastKernelVariant` nor is affected by pinned variants. It reads back only
 * its own timestamp buffer and never consumes the WebGPU errors of other ops.
 */
import { ArgumentError } from '../errors.js';
import { checkOptions } from '../options.js';
import { BUFFER_COPY_SRC, BUFFER_QUERY_RESOLVE } from '../gpu/flags.js';
import type { GpuRuntime } from '../gpu/runtime.js';
import type { VariantRegistry } from '../ops/variants.js';
import { candidateVariants, declaredTuning, tunableOps, type OpTuning, type OpVariants, type PreparedProblem } from '../ops/definition.js';
import { describe } from '../shape.js';
import { selectVariant, type Measurement, type TrialRunner } from './select.js';
import { defaultStorage, TuningStore, type TuningEntry, type TuningStorage } from './store.js';

export type { TuningStorage } from './store.js';

/** `createContext({ autotune })` options. `autotune: true` is `{ background: true }`. */
export interface AutotuneOptions {
  /**
   * Tune in the background on the first call of an op at a new shape bucket (that call, and those
   * until the tuning ends, use the fixed rule). Default true.
   */
  background?: boolean;
  /** Wall-time budget of one tuning in ms (default 1500). */
  budgetMs?: number;
  /** Where winners persist (default: localStorage where available; null: memory only). */
  storage?: TuningStorage | null;
}

/** What `ctx.autotune()` resolves to. */
export interface AutotuneResult {
  op: string;
  /** The shape bucket the result applies to. */
  bucket: string;
  /** The variant ops of this bucket now run (unless pinned); null on the cpu backend. */
  variant: string | null;
  /**
   * `'measured'` now, `'memory'` (measured earlier by this context), `'stored'` (persisted for
   * this adapter), `'single'` (one usable variant: nothing to measure), `'cpu'` (no kernels).
   */
  source: 'measured' | 'memory' | 'stored' | 'single' | 'cpu';
  /** True when the measurement was started by an op call in background mode. */
  background: boolean;
  /** Median device ms per measured variant (estimates from a reduced problem where `estimated`). */
  timings: Record<string, number>;
  estimated: boolean;
  /** The variant pinned with setKernelVariant, which ops run instead, or null. */
  pinned: string | null;
  /** Wall time of the measurement (0 when nothing was measured) and the budget it ran under. */
  elapsedMs: number;
  budgetMs: number;
  /** The longest single measured step, wall ms (a tuning overruns its budget by less than this). */
  longestStepMs: number;
}

const DEFAULT_BUDGET_MS = 1500;
const MAX_ROUNDS = 5;

class Cancelled extends Error {}

export class Autotuner {
  readonly background: boolean;
  readonly budgetMs: number;
  private readonly store: TuningStore;
  private readonly inflight = new Map<string, Promise<AutotuneResult>>();
  /** Buckets whose background tuning failed: they keep the fixed rule, no retry. */
  private readonly failed = new Set<string>();
  /** Tunings run one at a time. */
  private queue: Promise<unknown> = Promise.resolve();
  private timing: { querySet: GPUQuerySet; resolve: GPUBuffer } | null = null;
  private destroyed = false;

  constructor(
    private readonly gpu: GpuRuntime,
    private readonly variants: VariantRegistry,
    options: AutotuneOptions | boolean | undefined,
  ) {
    const opts = typeof options === 'object' && options !== null ? options : {};
    this.background = options === true || (typeof options === 'object' && options !== null && opts.background !== false);
    this.budgetMs = opts.budgetMs ?? DEFAULT_BUDGET_MS;
    this.store = new TuningStore(gpu.info, opts.storage === undefined ? defaultStorage() : opts.storage);
  }

  /** Validates `createContext`'s `autotune` option. */
  static checkOptions(options: unknown): void {
    const op = 'createContext';
    if (options === undefined || typeof options === 'boolean') return;
    if (options === null || typeof options !== 'object') {
      throw new ArgumentError(op, `options.autotune must be a boolean or an object, got ${describe(options)}`);
    }
    const o = checkOptions(op, options, { known: ['background', 'budgetMs', 'storage'] }, 'options.autotune') as AutotuneOptions;
    if (o.background !== undefined && typeof o.background !== 'boolean') {
      throw new ArgumentError(op, `options.autotune.background must be a boolean, got ${describe(o.background)}`);
    }
    if (o.budgetMs !== undefined && !(typeof o.budgetMs === 'number' && o.budgetMs >= 0 && Number.isFinite(o.budgetMs))) {
      throw new ArgumentError(op, `options.autotune.budgetMs must be a non-negative number, got ${describe(o.budgetMs)}`);
    }
    const s = o.storage as TuningStorage | null | undefined;
    if (s !== undefined && s !== null && (typeof s.getItem !== 'function' || typeof s.setItem !== 'function')) {
      throw new ArgumentError(op, 'options.autotune.storage must have getItem and setItem (like localStorage), or be null');
    }
  }

  /**
   * The tuned variant for `op` on `problem` (an op's own view of its arguments), or null (then the
   * op uses its fixed rule). Without background mode only what `ctx.autotune()` settled for this
   * context counts (a plain context stays on the fixed rules); in background mode persisted
   * winners count too, and an unknown bucket starts a tuning.
   */
  lookup(variants: OpVariants<unknown>, problem: unknown): string | null {
    // Ops call this on every call: a context that never tuned anything answers at once.
    if (!this.background && this.store.memorySize === 0) return null;
    const tuning = variants.tuning;
    if (!tuning) return null;
    const bucket = tuning.bucket(problem);
    const known = this.store.get(bucket, !this.background);
    if (known && variants.usable(this.gpu, known.entry.variant, problem)) return known.entry.variant;
    if (this.background && !known && !this.destroyed && !this.failed.has(bucket) && !this.inflight.has(bucket) && this.variants.pinnedVariant(tuning.op) === null) {
      // A failed background tuning leaves the bucket on the fixed rule (measure() marks it failed).
      this.start(variants, tuning, problem, bucket, true).catch(() => undefined);
    }
    return null;
  }

  /** `ctx.autotune(op, shape, options)`. */
  async tune(op: string, shape: readonly number[], axis: number | undefined, force: boolean): Promise<AutotuneResult> {
    const declared = declaredTuning(op);
    if (!declared) {
      throw new ArgumentError('autotune', `op ${JSON.stringify(op)} has no kernel variants to tune; tunable ops: ${tunableOps().join(', ')}`);
    }
    const { variants, tuning } = declared;
    const problem = tuning.problem(shape, axis);
    const bucket = tuning.bucket(problem);
    const running = this.inflight.get(bucket);
    if (running) return running;
    const known = force ? null : this.store.get(bucket);
    if (known && variants.usable(this.gpu, known.entry.variant, problem)) {
      this.store.remember(bucket, known.entry);
      return this.result(op, bucket, known.entry, known.source, 0, 0);
    }
    return this.start(variants, tuning, problem, bucket, false);
  }

  private result(op: string, bucket: string, entry: TuningEntry, source: AutotuneResult['source'], elapsedMs: number, longestStepMs: number, background = false): AutotuneResult {
    return {
      op,
      bucket,
      variant: entry.variant,
      source,
      background,
      timings: entry.timings,
      estimated: entry.estimated,
      pinned: this.variants.pinnedVariant(op),
      elapsedMs,
      budgetMs: this.budgetMs,
      longestStepMs,
    };
  }

  private start(variants: OpVariants<unknown>, tuning: OpTuning<unknown>, problem: unknown, bucket: string, background: boolean): Promise<AutotuneResult> {
    const task = this.queue.then(() => this.measure(variants, tuning, problem, bucket, background));
    this.queue = task.catch(() => undefined);
    this.inflight.set(bucket, task);
    const done = () => this.inflight.delete(bucket);
    task.then(done, done);
    return task;
  }

  private async measure(variants: OpVariants<unknown>, tuning: OpTuning<unknown>, problem: unknown, bucket: string, background: boolean): Promise<AutotuneResult> {
    this.checkLive();
    const candidates = candidateVariants(variants, this.gpu, problem);
    if (candidates.length === 1) {
      const entry: TuningEntry = { variant: candidates[0], timings: {}, estimated: false, at: new Date().toISOString() };
      this.store.set(bucket, entry);
      return this.result(tuning.op, bucket, entry, 'single', 0, 0, background);
    }
    const ladder = tuning.ladder(problem);
    const cases: (PreparedProblem | undefined)[] = [];
    const warmed = new Set<string>();
    const runner: TrialRunner = {
      scales: ladder.map((l) => l.scale),
      run: async (variant, level) => {
        this.checkLive();
        const c = (cases[level] ??= tuning.prepare(this.gpu, ladder[level].problem));
        if (!warmed.has(variant)) {
          await this.time(() => c.record(variant));
          warmed.add(variant);
        }
        return this.time(() => c.record(variant));
      },
    };
    try {
      const selection = await selectVariant(candidates, runner, { budgetMs: this.budgetMs, maxRounds: MAX_ROUNDS, now: () => performance.now() });
      const entry: TuningEntry = { variant: selection.winner, timings: selection.timings, estimated: selection.estimated, at: new Date().toISOString() };
      this.store.set(bucket, entry);
      return this.result(tuning.op, bucket, entry, 'measured', selection.elapsedMs, selection.longestStepMs, background);
    } catch (error) {
      if (background) this.failed.add(bucket);
      throw error;
    } finally {
      // Back to the pool; after destroy() or a lost device there is nothing to reuse them for.
      for (const buffer of cases.flatMap((c) => c?.buffers ?? [])) {
        if (this.destroyed || this.gpu.lostInfo) buffer.destroy();
        else this.gpu.pool.release(buffer);
      }
    }
  }

  private checkLive(): void {
    if (this.destroyed) throw new Cancelled('autotune: the context was destroyed');
    this.gpu.checkAlive('autotune');
  }

  /**
   * Records `record`'s dispatches in their own compute pass and returns its device time (from
   * timestamp queries; where the adapter has none, the wall time of submit + wait stands in) and
   * the wall time of the whole step.
   */
  private async time(record: () => void): Promise<Measurement> {
    this.checkLive();
    const gpu = this.gpu;
    const t0 = performance.now();
    if (!gpu.hasFeature('timestamp-query')) {
      gpu.captured('autotune', record);
      gpu.recorder.submit();
      await gpu.device.queue.onSubmittedWorkDone();
      const ms = performance.now() - t0;
      return { deviceMs: ms, wallMs: ms };
    }
    this.timing ??= {
      querySet: gpu.device.createQuerySet({ label: 'webgpu-nn autotune', type: 'timestamp', count: 2 }),
      resolve: gpu.device.createBuffer({ label: 'webgpu-nn autotune', size: 16, usage: BUFFER_QUERY_RESOLVE | BUFFER_COPY_SRC }),
    };
    const { querySet, resolve } = this.timing;
    gpu.captured('autotune', () => gpu.recorder.timed(querySet, resolve, record));
    const [bytes] = await gpu.readBack('autotune', [{ source: resolve, bytes: 16 }]);
    const ticks = new BigUint64Array(bytes);
    return { deviceMs: Number(ticks[1] - ticks[0]) / 1e6, wallMs: performance.now() - t0 };
  }

  destroy(): void {
    this.destroyed = true;
    this.timing?.querySet.destroy();
    this.timing?.resolve.destroy();
  }
}
