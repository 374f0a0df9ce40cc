/**
 * Autotuning logic that needs no GPU: shape buckets, the persisted store (with a fake storage),
 * the measurement plan and its budget (with a fake clock and fake measurements), and the option
 * checks. test/gpu/autotune.test.ts runs the real thing in Chromium.
 */
import { describe, expect, it } from 'vitest';
import { bucketKey, pow2Bucket } from '../src/autotune/bucket';
import { candidateVariants, declaredTuning } from '../src/ops/definition';
import { adapterKey, TuningStore, type TuningEntry, type TuningStorage } from '../src/autotune/store';
import { selectVariant, type Measurement, type TrialRunner } from '../src/autotune/select';
import { createContext, ArgumentError, ShapeError } from '../src/index';

class FakeStorage implements TuningStorage {
  readonly items = new Map<string, string>();
  writes = 0;
  failWrites = false;
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (this.failWrites) throw new Error('QuotaExceededError');
    this.writes++;
    this.items.set(key, value);
  }
}

/** The tuning each op's definition declares (the main entry, imported below, declares every op), with its candidates. */
const TUNABLE_OPS = {
  get(op: string) {
    const declared = declaredTuning(op);
    if (!declared) return undefined;
    const { variants, tuning } = declared;
    return { ...tuning, candidates: (gpu: never, problem: unknown) => candidateVariants(variants, gpu, problem) };
  },
};

const ADAPTER = { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader device' };
const entry = (variant: string): TuningEntry => ({ variant, timings: { [variant]: 1 }, estimated: false, at: '2020-01-01T00:00:00.000Z' });

describe('shape buckets', () => {
  it('round sizes up to powers of two', () => {
    expect([0, 1, 2, 3, 4, 1000, 1024, 1025, 65536].map(pow2Bucket)).toEqual(['0', '2^0', '2^1', '2^2', '2^2', '2^10', '2^10', '2^11', '2^16']);
    expect(() => pow2Bucket(-1)).toThrow();
    expect(bucketKey('op', { a: 1, b: true, c: '2^3' })).toBe('op:a=1,b=1,c=2^3');
  });

  it('put softmax shapes that behave alike together, and apart where different variants can run', () => {
    const softmax = TUNABLE_OPS.get('softmax')!;
    const key = (shape: number[], axis?: number) => softmax.bucket(softmax.problem(shape, axis));
    expect(key([4096, 1024])).toBe('softmax:rows=2^12,length=2^10,vec4=1,contiguous=1');
    expect(key([4000, 1024])).toBe(key([4096, 1024]));
    expect(key([2, 2048, 1024])).toBe(key([4096, 1024]));
    // rows-vec4 needs rows of a multiple of 4, the row kernels a contiguous axis: never one bucket.
    expect(key([4096, 1020])).toBe('softmax:rows=2^12,length=2^10,vec4=1,contiguous=1');
    expect(key([4096, 1023])).not.toBe(key([4096, 1024]));
    expect(key([1024, 4096], 0)).toBe('softmax:rows=2^12,length=2^10,vec4=1,contiguous=0');
    expect(key([4097, 1024])).not.toBe(key([4096, 1024]));
    expect(key([4096, 2048])).not.toBe(key([4096, 1024]));
  });

  it("list the rule's choice first, then the other usable variants", () => {
    const fakeGpu = (profile: 'swiftshader' | 'gpu', subgroup: number | null) =>
      ({
        profile,
        hasFeature: (f: string) => f === 'subgroups' && subgroup !== null,
        info: { subgroupMinSize: subgroup, subgroupMaxSize: subgroup },
        limits: { maxTextureDimension2D: 8192 },
      }) as never;
    const candidates = (op: string, gpu: never, shape: number[], axis?: number) => {
      const spec = TUNABLE_OPS.get(op)!;
      return spec.candidates(gpu, spec.problem(shape, axis));
    };
    expect(candidates('softmax', fakeGpu('swiftshader', 4), [4096, 1024])).toEqual(['rows-vec4', 'lines', 'subgroup', 'workgroup']);
    expect(candidates('softmax', fakeGpu('gpu', 32), [4096, 1024])).toEqual(['subgroup', 'lines', 'rows-vec4', 'workgroup']);
    expect(candidates('softmax', fakeGpu('gpu', null), [4096, 1023])).toEqual(['workgroup', 'lines']);
    // A few long rows: cut into segments on SwiftShader; rows-split stays a candidate elsewhere.
    expect(candidates('softmax', fakeGpu('swiftshader', 4), [2, 65536])).toEqual(['rows-split', 'lines', 'rows-vec4', 'subgroup', 'workgroup']);
    expect(candidates('softmax', fakeGpu('gpu', 32), [2, 65536])).toEqual(['workgroup', 'lines', 'rows-vec4', 'rows-split', 'subgroup']);
    expect(candidates('softmax', fakeGpu('gpu', 32), [64, 32], 0)).toEqual(['lines']);
    const gemm = TUNABLE_OPS.get('matmul')!;
    expect(gemm.candidates(fakeGpu('swiftshader', 4), gemm.problem([512, 512, 512], undefined))).toEqual(['lanes-texture', 'lanes', 'lanes-transposed', 'tiled-64', 'tiled-32']);
    // 70000 x 7 outputs: B's texture (17500 texels wide) would pass maxTextureDimension2D.
    expect(gemm.candidates(fakeGpu('swiftshader', 4), gemm.problem([70000, 33, 7], undefined))).toEqual(['lanes-transposed', 'lanes', 'tiled-64', 'tiled-32']);
    expect(gemm.candidates(fakeGpu('gpu', 32), gemm.problem([512, 512, 512], undefined))).toEqual(['tiled-64', 'tiled-32']);
    // Small products (2 tiles x 256 steps of k): packing costs more than it saves; buffers first.
    expect(gemm.candidates(fakeGpu('swiftshader', 4), gemm.problem([128, 256, 10], undefined))).toEqual(['lanes-transposed', 'lanes-texture', 'lanes', 'tiled-64', 'tiled-32']);
    expect(gemm.candidates(fakeGpu('swiftshader', 4), gemm.problem([64, 64, 64], undefined))[0]).toBe('lanes');
    expect(gemm.candidates(fakeGpu('swiftshader', 4), gemm.problem([32, 784, 128], undefined))[0]).toBe('lanes-texture');
    for (const op of ['logSoftmax', 'softmaxVjp', 'logSoftmaxVjp']) {
      expect(candidates(op, fakeGpu('swiftshader', 4), [4096, 1024])).toEqual(['rows-vec4', 'lines', 'workgroup']);
      expect(candidates(op, fakeGpu('gpu', 32), [4096, 1022])).toEqual(['workgroup', 'lines']);
      expect(candidates(op, fakeGpu('swiftshader', 4), [2, 65536])).toEqual(['rows-split', 'lines', 'rows-vec4', 'workgroup']);
      expect(TUNABLE_OPS.get(op)!.bucket(TUNABLE_OPS.get(op)!.problem([4096, 1024], undefined))).toBe(`${op}:rows=2^12,length=2^10,vec4=1,contiguous=1`);
    }
  });

  it('bucket and shrink matmul problems by rows, keeping a few output tiles', () => {
    const gemm = TUNABLE_OPS.get('matmul')!;
    const p = gemm.problem([1024, 1024, 1024], undefined);
    expect(gemm.bucket(p)).toBe('matmul:rows=2^10,cols=2^10,depth=2^10,batches=2^0,aRowMajor=1,bRowMajor=1');
    expect(gemm.bucket(gemm.problem([1000, 1024, 1000], undefined))).toBe(gemm.bucket(p));
    expect(gemm.ladder(p).map((l) => [(l.problem as { rows: number }).rows, l.scale])).toEqual([[64, 16], [1024, 1]]);
    expect(gemm.ladder(gemm.problem([4096, 784, 256], undefined)).map((l) => (l.problem as { rows: number }).rows)).toEqual([64, 334, 4096]);
    expect(gemm.ladder(gemm.problem([16, 8, 8], undefined)).map((l) => l.scale)).toEqual([1]);
    expect(() => gemm.problem([4, 4], undefined)).toThrow("autotune: matmul's shape is [M, K, N], got [4, 4]");
  });

  it('reject bad autotune shapes and axes with typed errors', () => {
    const softmax = TUNABLE_OPS.get('softmax')!;
    expect(() => softmax.problem([4, -1], undefined)).toThrow(ShapeError);
    expect(() => softmax.problem([4, 4], 2)).toThrow(ArgumentError);
    expect(() => softmax.problem([], undefined)).toThrow('autotune: axis -1 is not valid for a scalar');
  });

  it('climb a ladder of fewer rows of the same length, ending at the full problem', () => {
    const softmax = TUNABLE_OPS.get('softmax')!;
    const ladder = (shape: number[]) => softmax.ladder(softmax.problem(shape, undefined));
    expect(ladder([4096, 1024])).toEqual([
      { problem: { outer: 4, length: 1024, inner: 1 }, scale: 1024 },
      { problem: { outer: 256, length: 1024, inner: 1 }, scale: 16 },
      { problem: { outer: 4096, length: 1024, inner: 1 }, scale: 1 },
    ]);
    expect(ladder([64, 1 << 20]).map((l) => l.scale)).toEqual([64, 1]);
    expect(ladder([1024, 256]).map((l) => (l.problem as { outer: number }).outer)).toEqual([16, 1024]);
    expect(ladder([8, 8])).toEqual([{ problem: { outer: 8, length: 8, inner: 1 }, scale: 1 }]);
  });
});

describe('tuning store', () => {
  it('keys persisted results by adapter', () => {
    expect(adapterKey(ADAPTER)).toBe('webgpu-nn/autotune/v1/google|swiftshader||SwiftShader%20device');
    expect(adapterKey({ ...ADAPTER, architecture: 'ampere' })).not.toBe(adapterKey(ADAPTER));
  });

  it('persists across stores of the same adapter, never to another adapter', () => {
    const storage = new FakeStorage();
    const first = new TuningStore(ADAPTER, storage);
    expect(first.get('softmax:a')).toBeNull();
    first.set('softmax:a', entry('lines'));
    first.set('softmax:b', entry('rows-vec4'));
    expect(first.get('softmax:a')).toEqual({ entry: entry('lines'), source: 'memory' });

    const second = new TuningStore(ADAPTER, storage);
    expect(second.get('softmax:a')).toEqual({ entry: entry('lines'), source: 'stored' });
    expect(second.get('softmax:b')?.entry.variant).toBe('rows-vec4');
    second.set('softmax:c', entry('subgroup'));
    // Writes merge with what other stores wrote.
    const third = new TuningStore(ADAPTER, storage);
    expect(['softmax:a', 'softmax:b', 'softmax:c'].map((k) => third.get(k)?.entry.variant)).toEqual(['lines', 'rows-vec4', 'subgroup']);

    const other = new TuningStore({ ...ADAPTER, vendor: 'nvidia' }, storage);
    expect(other.get('softmax:a')).toBeNull();
  });

  it('reads the storage once, not on every lookup', () => {
    let reads = 0;
    const storage = new FakeStorage();
    new TuningStore(ADAPTER, storage).set('softmax:a', entry('lines'));
    const counting: TuningStorage = { getItem: (k) => (reads++, storage.getItem(k)), setItem: (k, v) => storage.setItem(k, v) };
    const store = new TuningStore(ADAPTER, counting);
    for (let i = 0; i < 100; i++) store.get(i % 2 ? 'softmax:a' : 'softmax:missing');
    expect(reads).toBe(1);
  });

  it('survives corrupted entries, failing writes and no storage at all', () => {
    const storage = new FakeStorage();
    storage.items.set(adapterKey(ADAPTER), '{not json');
    const store = new TuningStore(ADAPTER, storage);
    expect(store.get('softmax:a')).toBeNull();
    store.set('softmax:a', entry('lines'));
    expect(new TuningStore(ADAPTER, storage).get('softmax:a')?.entry.variant).toBe('lines');

    storage.items.set(adapterKey(ADAPTER), JSON.stringify({ 'softmax:a': { variant: 3 }, 'softmax:b': entry('lines') }));
    const partly = new TuningStore(ADAPTER, storage);
    expect(partly.get('softmax:a')).toBeNull();
    expect(partly.get('softmax:b')?.entry.variant).toBe('lines');

    storage.failWrites = true;
    const failing = new TuningStore(ADAPTER, storage);
    expect(() => failing.set('softmax:c', entry('subgroup'))).not.toThrow();
    expect(failing.get('softmax:c')?.source).toBe('memory');

    const memoryOnly = new TuningStore(ADAPTER, null);
    memoryOnly.set('softmax:a', entry('lines'));
    expect(memoryOnly.get('softmax:a')?.source).toBe('memory');
    expect(new TuningStore(ADAPTER, null).get('softmax:a')).toBeNull();
  });
});

/**
 * A fake device: each variant has a fixed device time at the full size, proportional to size at
 * the smaller levels; a run's wall time is its device time plus a fixed overhead, a warm-up (the
 * first run of a variant) costs `compileMs` more, and the fake clock advances by that much.
 */
function fakeRunner(fullMs: Record<string, number>, scales: number[], overheadMs = 1, compileMs = 5) {
  let clock = 0;
  const log: string[] = [];
  /** Fake clock at the start of each step. */
  const starts: number[] = [];
  const warmed = new Set<string>();
  const runner: TrialRunner = {
    scales,
    run: async (v, level) => {
      log.push(`${v}@${level}`);
      starts.push(clock);
      const deviceMs = fullMs[v] / scales[level];
      if (!warmed.has(v)) {
        warmed.add(v);
        clock += compileMs + deviceMs + overheadMs;
      }
      clock += deviceMs + overheadMs;
      return { deviceMs, wallMs: deviceMs + overheadMs } satisfies Measurement;
    },
  };
  return { runner, log, starts, now: () => clock };
}

describe('selectVariant', () => {
  const times = { rule: 50, slower: 100, faster: 40, hopeless: 2800 };
  const all = ['rule', 'slower', 'faster', 'hopeless'];

  it('picks the fastest, drops a hopeless candidate on the tiny problem, and interleaves full rounds', async () => {
    const fake = fakeRunner(times, [1024, 16, 1]);
    const s = await selectVariant(all, fake.runner, { budgetMs: 10_000, maxRounds: 5, now: fake.now });
    expect(s.winner).toBe('faster');
    expect(s.estimated).toBe(false);
    expect(fake.log.slice(0, 4)).toEqual(['rule@0', 'slower@0', 'faster@0', 'hopeless@0']);
    expect(fake.log.filter((l) => l.startsWith('hopeless'))).toEqual(['hopeless@0']);
    // Next sizes: the rule first, then in order of the last size, fastest first.
    expect(fake.log.slice(4, 7)).toEqual(['rule@1', 'faster@1', 'slower@1']);
    expect(fake.log.slice(7, 10)).toEqual(['rule@2', 'faster@2', 'slower@2']);
    // After the first full round, 'slower' (2.5x the best) is dropped.
    expect(fake.log.filter((l) => l === 'slower@2')).toHaveLength(1);
    expect(s.rounds).toBe(5);
    expect(s.timings).toEqual({ faster: 40, rule: 50, slower: 100 });
  });

  it('stays within its budget: no step starts once it is spent, the overrun is under one step', async () => {
    for (const budgetMs of [0, 5, 20, 50, 100, 150, 300, 1000]) {
      const fake = fakeRunner(times, [1024, 16, 1]);
      const s = await selectVariant(all, fake.runner, { budgetMs, maxRounds: 5, now: fake.now });
      expect(fake.now()).toBe(s.elapsedMs);
      expect(fake.starts.slice(1).every((t) => t <= budgetMs)).toBe(true);
      expect(s.elapsedMs).toBeLessThanOrEqual(budgetMs + s.longestStepMs);
      expect(all).toContain(s.winner);
      // Whatever the budget, the choice is never worse than the rule's.
      expect(times[s.winner as keyof typeof times]).toBeLessThanOrEqual(times.rule);
    }
  });

  it('counts its budget from the first step, on a clock that also moves between steps', async () => {
    // A clock that ticks on every reading (the browser's is coarse: one tick between the call
    // and the first step made a one-step tuning end past budget + longest step).
    for (const budgetMs of [0, 20, 100]) {
      const fake = fakeRunner(times, [1024, 16, 1]);
      let readings = 0;
      const now = () => fake.now() + 0.1 * readings++;
      const s = await selectVariant(all, fake.runner, { budgetMs, maxRounds: 5, now });
      expect(s.elapsedMs).toBeLessThanOrEqual(budgetMs + s.longestStepMs);
    }
  });

  it('with no budget runs only the fixed rule, once, and keeps it', async () => {
    const fake = fakeRunner(times, [1024, 16, 1]);
    const s = await selectVariant(['rule', 'faster'], fake.runner, { budgetMs: 0, maxRounds: 5, now: fake.now });
    expect(fake.log).toEqual(['rule@0']);
    expect(s).toMatchObject({ winner: 'rule', estimated: true, rounds: 0 });
  });

  it('keeps the rule unless a full-size run beats it', async () => {
    // The budget ends the climb below the full size: smaller sizes do not overturn the rule.
    const short = fakeRunner(times, [1024, 16, 1]);
    const s = await selectVariant(['rule', 'faster'], short.runner, { budgetMs: 25, maxRounds: 5, now: short.now });
    expect(short.log).toEqual(['rule@0', 'faster@0', 'rule@1', 'faster@1']);
    expect(s).toMatchObject({ winner: 'rule', estimated: true, rounds: 0 });
    expect(s.timings).toEqual({ rule: 50, faster: 40 });
    // ... unless the rule was dropped as far slower.
    const bad = fakeRunner({ rule: 2800, faster: 40 }, [1024, 16, 1]);
    const b = await selectVariant(['rule', 'faster'], bad.runner, { budgetMs: 25, maxRounds: 5, now: bad.now });
    expect(b).toMatchObject({ winner: 'faster', estimated: true });
    // The budget cuts inside the full size, after the rule's run: the rule stays, on evidence.
    const cut = fakeRunner(times, [1024, 16, 1]);
    const c = await selectVariant(['rule', 'faster'], cut.runner, { budgetMs: 75, maxRounds: 5, now: cut.now });
    expect(cut.log.slice(-1)).toEqual(['rule@2']);
    expect(c).toMatchObject({ winner: 'rule', estimated: false, timings: { rule: 50 } });
  });

  it('does not measure a single candidate, and needs the full problem last', async () => {
    const fake = fakeRunner(times, [16, 1]);
    const s = await selectVariant(['rule'], fake.runner, { budgetMs: 1000, maxRounds: 5, now: fake.now });
    expect(s).toMatchObject({ winner: 'rule', rounds: 0, elapsedMs: 0, estimated: false });
    expect(fake.log).toEqual([]);
    await expect(selectVariant(['rule', 'faster'], fakeRunner(times, [16, 2]).runner, { budgetMs: 1, maxRounds: 1, now: () => 0 })).rejects.toThrow('last level');
  });
});

describe('autotune options and the cpu backend', () => {
  it('checks createContext({ autotune })', async () => {
    await expect(createContext({ backend: 'cpu', autotune: 'yes' as never })).rejects.toThrow('createContext: options.autotune must be a boolean or an object, got "yes"');
    await expect(createContext({ backend: 'cpu', autotune: { budgetMs: -1 } })).rejects.toThrow(ArgumentError);
    await expect(createContext({ backend: 'cpu', autotune: { background: 1 as never } })).rejects.toThrow('options.autotune.background must be a boolean');
    await expect(createContext({ backend: 'cpu', autotune: { storage: {} as never } })).rejects.toThrow('options.autotune.storage must have getItem and setItem');
    const ctx = await createContext({ backend: 'cpu', autotune: { budgetMs: 10, storage: null } });
    ctx.destroy();
  });

  it('resolves with no variant on the cpu backend', async () => {
    const ctx = await createContext({ backend: 'cpu', autotune: true });
    await expect(ctx.autotune('softmax', [4, 4])).resolves.toMatchObject({ variant: null, source: 'cpu' });
    await expect(ctx.autotune('softmax', [4, 4], { forse: true } as never)).rejects.toThrow("autotune: unknown option 'forse' (did you mean 'force'?)");
    expect(Array.from(await ctx.softmax(ctx.tensor([[0, 0]])).read())).toEqual([0.5, 0.5]);
    ctx.destroy();
    await expect(ctx.autotune('softmax', [4, 4])).rejects.toThrow('autotune: the context was destroyed');
  });
});
