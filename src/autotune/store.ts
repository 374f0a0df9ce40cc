/**
 * Tuning results: kept in memory per context and, where a storage is available (a browser's
 * localStorage by default), persisted per adapter so that a page measures once per adapter.
 * Storage failures (quota, privacy modes, a corrupted entry) never fail an op: the result then
 * lives in memory only.
 */
import type { AdapterInfo } from '../gpu/device.js';

/** What the store needs from a persistent storage (a subset of the Web Storage API). */
export interface TuningStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** One bucket's result. */
export interface TuningEntry {
  /** The winning variant. */
  variant: string;
  /** Median device ms per measured variant (estimates from a reduced problem where `estimated`). */
  timings: Record<string, number>;
  estimated: boolean;
  /** When it was measured (ISO 8601). */
  at: string;
}

/** Bump when kernels change enough that stored winners should be measured again. */
export const STORE_VERSION = 1;
const PREFIX = `webgpu-nn/autotune/v${STORE_VERSION}/`;

/** The storage key of an adapter: results from one adapter never apply to another. */
export function adapterKey(info: Pick<AdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>): string {
  return PREFIX + [info.vendor, info.architecture, info.device, info.description].map((s) => encodeURIComponent(s)).join('|');
}

/** The browser's localStorage where it exists and may be used, else null. */
export function defaultStorage(): TuningStorage | null {
  try {
    const storage = (globalThis as { localStorage?: TuningStorage }).localStorage;
    return storage && typeof storage.getItem === 'function' && typeof storage.setItem === 'function' ? storage : null;
  } catch {
    // Accessing localStorage throws where the page may not use it (sandboxed frames, some privacy settings).
    return null;
  }
}

function isEntry(value: unknown): value is TuningEntry {
  const e = value as TuningEntry;
  return !!e && typeof e === 'object' && typeof e.variant === 'string' && !!e.timings && typeof e.timings === 'object';
}

export class TuningStore {
  private readonly memory = new Map<string, TuningEntry>();
  /** The persisted entries, read once (ops look buckets up on every call). */
  private persisted: Map<string, TuningEntry> | null = null;
  private readonly key: string;

  constructor(
    adapter: Pick<AdapterInfo, 'vendor' | 'architecture' | 'device' | 'description'>,
    private readonly storage: TuningStorage | null,
  ) {
    this.key = adapterKey(adapter);
  }

  private readPersisted(): Record<string, unknown> {
    if (!this.storage) return {};
    try {
      const text = this.storage.getItem(this.key);
      const parsed: unknown = text ? JSON.parse(text) : {};
      return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  /**
   * This context's result for `bucket`, else the one persisted for this adapter (as it was when
   * first looked at), else null.
   */
  get(bucket: string, memoryOnly = false): { entry: TuningEntry; source: 'memory' | 'stored' } | null {
    const known = this.memory.get(bucket);
    if (known) return { entry: known, source: 'memory' };
    if (memoryOnly) return null;
    if (!this.persisted) {
      this.persisted = new Map();
      for (const [k, v] of Object.entries(this.readPersisted())) if (isEntry(v)) this.persisted.set(k, v);
    }
    const stored = this.persisted.get(bucket);
    return stored ? { entry: stored, source: 'stored' } : null;
  }

  /** How many results this context holds (measured or adopted by `ctx.autotune`). */
  get memorySize(): number {
    return this.memory.size;
  }

  /** Makes `entry` this context's result for `bucket` without writing it to the storage. */
  remember(bucket: string, entry: TuningEntry): void {
    this.memory.set(bucket, entry);
  }

  /** Records `entry` in memory and, where possible, in the storage (merged with what is there). */
  set(bucket: string, entry: TuningEntry): void {
    this.memory.set(bucket, entry);
    if (!this.storage) return;
    try {
      const all = this.readPersisted();
      all[bucket] = entry;
      this.storage.setItem(this.key, JSON.stringify(all));
    } catch {
      // Quota exceeded or storage disabled: the result stays in memory.
    }
  }
}
