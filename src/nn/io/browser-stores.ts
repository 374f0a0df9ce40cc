/**
 * The browser's stores, in the layout TF.js uses (so TF.js and webgpu-nn read each other's
 * saved models): IndexedDB database `tensorflowjs` (stores `models_store` and
 * `model_info_store`, keyed by `modelPath`), and localStorage keys
 * `tensorflowjs_models/<name>/{info,topology,weight_specs,weight_data,model_metadata}` (the
 * weights as base64).
 */
import { ModelIOError } from './errors.js';
import { artifactsInfo, concatenate } from './artifacts.js';
import type { ModelArtifacts, ModelArtifactsInfo, ModelList, SaveResult } from './types.js';

const DATABASE = 'tensorflowjs';
const MODELS_STORE = 'models_store';
const INFO_STORE = 'model_info_store';

function indexedDB(op: string, url: string): IDBFactory {
  const factory = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new ModelIOError(op, `${url}: IndexedDB is not available here`);
  return factory;
}

function request<T>(op: string, url: string, r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(new ModelIOError(op, `${url}: IndexedDB failed: ${r.error?.message ?? 'unknown error'}`, { cause: r.error }));
  });
}

async function openDatabase(op: string, url: string): Promise<IDBDatabase> {
  const open = indexedDB(op, url).open(DATABASE, 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore(MODELS_STORE, { keyPath: 'modelPath' });
    db.createObjectStore(INFO_STORE, { keyPath: 'modelPath' });
  };
  return request(op, url, open);
}

function done(op: string, url: string, tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    const fail = () => reject(new ModelIOError(op, `${url}: IndexedDB failed: ${tx.error?.message ?? 'the transaction was aborted'}`, { cause: tx.error }));
    tx.onerror = fail;
    tx.onabort = fail;
  });
}

async function withDatabase<T>(op: string, url: string, fn: (db: IDBDatabase) => Promise<T>): Promise<T> {
  const db = await openDatabase(op, url);
  try {
    return await fn(db);
  } finally {
    db.close();
  }
}

export function saveIndexedDB(op: string, url: string, name: string, artifacts: ModelArtifacts): Promise<SaveResult> {
  const stored = { ...artifacts, weightData: concatenate(artifacts.weightData ?? new ArrayBuffer(0)) };
  const info = artifactsInfo(stored);
  return withDatabase(op, url, async (db) => {
    // One transaction: the model and its info are written together or not at all.
    const tx = db.transaction([MODELS_STORE, INFO_STORE], 'readwrite');
    tx.objectStore(INFO_STORE).put({ modelPath: name, modelArtifactsInfo: info });
    tx.objectStore(MODELS_STORE).put({ modelPath: name, modelArtifacts: stored });
    await done(op, url, tx);
    return { modelArtifactsInfo: info };
  });
}

export function loadIndexedDB(op: string, url: string, name: string): Promise<ModelArtifacts> {
  return withDatabase(op, url, async (db) => {
    const tx = db.transaction(MODELS_STORE, 'readonly');
    const entry = await request<{ modelArtifacts?: ModelArtifacts } | undefined>(op, url, tx.objectStore(MODELS_STORE).get(name));
    if (!entry?.modelArtifacts) throw new ModelIOError(op, `${url}: no model of that name in IndexedDB`);
    return entry.modelArtifacts;
  });
}

async function indexedDBModels(op: string): Promise<ModelList> {
  if (!(globalThis as { indexedDB?: IDBFactory }).indexedDB) return {};
  return withDatabase(op, 'indexeddb://', async (db) => {
    const tx = db.transaction(INFO_STORE, 'readonly');
    const all = await request<{ modelPath: string; modelArtifactsInfo: ModelArtifactsInfo }[]>(op, 'indexeddb://', tx.objectStore(INFO_STORE).getAll());
    return Object.fromEntries(all.map((e) => [`indexeddb://${e.modelPath}`, e.modelArtifactsInfo]));
  });
}

export function removeIndexedDB(op: string, url: string, name: string): Promise<void> {
  return withDatabase(op, url, async (db) => {
    const read = db.transaction(INFO_STORE, 'readonly');
    const info = await request(op, url, read.objectStore(INFO_STORE).get(name));
    if (info === undefined) throw new ModelIOError(op, `${url}: no model of that name in IndexedDB`);
    const tx = db.transaction([MODELS_STORE, INFO_STORE], 'readwrite');
    tx.objectStore(MODELS_STORE).delete(name);
    tx.objectStore(INFO_STORE).delete(name);
    await done(op, url, tx);
  });
}

// ---- localStorage ----

const PREFIX = 'tensorflowjs_models';
const PARTS = ['info', 'topology', 'weight_specs', 'weight_data', 'model_metadata'] as const;

function storage(op: string, url: string): Storage {
  const s = (globalThis as { localStorage?: Storage }).localStorage;
  if (!s) throw new ModelIOError(op, `${url}: localStorage is not available here`);
  return s;
}

const key = (name: string, part: (typeof PARTS)[number]) => `${PREFIX}/${name}/${part}`;

function toBase64(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(op: string, url: string, text: string): ArrayBuffer {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new ModelIOError(op, `${url}: the stored weight_data is not valid base64`);
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

export function saveLocalStorage(op: string, url: string, name: string, artifacts: ModelArtifacts): SaveResult {
  const s = storage(op, url);
  const data = concatenate(artifacts.weightData ?? new ArrayBuffer(0));
  const info = artifactsInfo({ ...artifacts, weightData: data });
  const metadata = { format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy ?? null, ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}) };
  const values: [string, string][] = [
    [key(name, 'topology'), JSON.stringify(artifacts.modelTopology)],
    [key(name, 'weight_specs'), JSON.stringify(artifacts.weightSpecs ?? [])],
    [key(name, 'weight_data'), toBase64(data)],
    [key(name, 'model_metadata'), JSON.stringify(metadata)],
    // Last: a model is listed only once all its parts are stored.
    [key(name, 'info'), JSON.stringify(info)],
  ];
  const previous = values.map(([k]) => s.getItem(k));
  try {
    for (const [k, v] of values) s.setItem(k, v);
  } catch (error) {
    // Put back what was there, so a failed save changes nothing.
    values.forEach(([k], i) => (previous[i] === null ? s.removeItem(k) : s.setItem(k, previous[i]!)));
    const chars = values.reduce((a, [k, v]) => a + k.length + v.length, 0);
    throw new ModelIOError(op, `${url}: localStorage refused the model (${chars} characters; its quota is a few MB per origin): ${(error as Error).message}. Use indexeddb:// for larger models`, { cause: error });
  }
  return { modelArtifactsInfo: info };
}

export function loadLocalStorage(op: string, url: string, name: string): ModelArtifacts {
  const s = storage(op, url);
  if (s.getItem(key(name, 'info')) === null) throw new ModelIOError(op, `${url}: no model of that name in localStorage`);
  const read = (part: (typeof PARTS)[number]) => {
    const text = s.getItem(key(name, part));
    if (text === null) throw new ModelIOError(op, `${url}: localStorage is missing ${key(name, part)}`);
    return text;
  };
  const parse = (part: (typeof PARTS)[number]) => {
    try {
      return JSON.parse(read(part));
    } catch (error) {
      if (error instanceof ModelIOError) throw error;
      throw new ModelIOError(op, `${url}: ${key(name, part)} is not valid JSON`);
    }
  };
  const metadata = parse('model_metadata');
  return { modelTopology: parse('topology'), weightSpecs: parse('weight_specs'), weightData: fromBase64(op, url, read('weight_data')), ...metadata };
}

function localStorageModels(): ModelList {
  const s = (globalThis as { localStorage?: Storage }).localStorage;
  if (!s) return {};
  const out: ModelList = {};
  for (let i = 0; i < s.length; i++) {
    const k = s.key(i)!;
    if (k.startsWith(`${PREFIX}/`) && k.endsWith('/info')) out[`localstorage://${k.slice(PREFIX.length + 1, -'/info'.length)}`] = JSON.parse(s.getItem(k)!);
  }
  return out;
}

export function removeLocalStorage(op: string, url: string, name: string): void {
  const s = storage(op, url);
  if (s.getItem(key(name, 'info')) === null) throw new ModelIOError(op, `${url}: no model of that name in localStorage`);
  for (const part of PARTS) s.removeItem(key(name, part));
}

/** The models saved in IndexedDB and localStorage, by URL. */
export async function listStoredModels(op: string): Promise<ModelList> {
  return { ...(await indexedDBModels(op)), ...localStorageModels() };
}
