/**
 * Where tuning results persist when there is no localStorage (dedicated and shared workers):
 * IndexedDB, which workers have. Ops look tuned variants up synchronously, so the adapter's one
 * entry is read when the context is created and served from memory; writes go through to
 * IndexedDB in the background. Failures (no IndexedDB, a blocked or full database) leave the
 * results in memory only, as with localStorage.
 */
import type { AutotuneOptions } from './autotuner.js';
import { defaultStorage, type TuningStorage } from './store.js';

const DATABASE = 'webgpu-nn';
const STORE = 'autotune';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** The database with its object store, adding the store where the database exists without it. */
async function openDatabase(factory: IDBFactory, version?: number): Promise<IDBDatabase> {
  const open = factory.open(DATABASE, version);
  open.onupgradeneeded = () => {
    if (!open.result.objectStoreNames.contains(STORE)) open.result.createObjectStore(STORE);
  };
  const db = await request(open);
  if (db.objectStoreNames.contains(STORE)) return db;
  db.close();
  return openDatabase(factory, db.version + 1);
}

/** A TuningStorage over IndexedDB holding `key`'s value in memory, or null where that fails. */
export async function openIndexedDbStorage(key: string): Promise<TuningStorage | null> {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) return null;
  let db: IDBDatabase;
  const values = new Map<string, string>();
  try {
    db = await openDatabase(factory);
    const value = await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(key));
    if (typeof value === 'string') values.set(key, value);
  } catch {
    return null;
  }
  return {
    getItem: (k) => values.get(k) ?? null,
    setItem(k, value) {
      values.set(k, value);
      try {
        db.transaction(STORE, 'readwrite').objectStore(STORE).put(value, k);
      } catch {
        // A closed or full database: the result stays in memory.
      }
    },
  };
}

/**
 * `options` with the storage tuning results persist in: the caller's, else localStorage, else
 * IndexedDB (workers), else none. `key` is the adapter's storage key.
 */
export async function withPersistentStorage(options: AutotuneOptions | boolean | undefined, key: string): Promise<AutotuneOptions | boolean | undefined> {
  const given = typeof options === 'object' && options !== null ? options : null;
  if ((given && given.storage !== undefined) || defaultStorage()) return options;
  const storage = await openIndexedDbStorage(key);
  if (!storage) return options;
  return { ...given, background: given ? given.background !== false : options === true, storage };
}
