/**
 * Destinations and sources by kind: a URL string (`indexeddb://`, `localstorage://`,
 * `downloads://`, `http(s)://`, `file://`), a file path (Node), `File` objects (load), an
 * artifacts object (load) or an IO handler (TF.js's `{ save, load }` objects).
 */
import { ArgumentError } from '../../errors.js';
import { describe } from '../../shape.js';
import { ModelIOError } from './errors.js';
import { artifactsInfo, concatenate } from './artifacts.js';
import { parseModelJSON, readModelJSON, toModelJSON } from './model-json.js';
import { loadIndexedDB, loadLocalStorage, removeIndexedDB, removeLocalStorage, saveIndexedDB, saveLocalStorage } from './browser-stores.js';
import type { IOHandler, ModelArtifacts, SaveResult } from './types.js';

/** Where `model.save` writes: a URL or path string, or an IO handler. */
export type SaveDestination = string | IOHandler;
/** What `loadModel` reads: a URL or path string, File objects (model.json first), artifacts, or an IO handler. */
export type LoadSource = string | ArrayLike<File> | ModelArtifacts | IOHandler;

const SCHEMES = ['indexeddb://', 'localstorage://', 'downloads://', 'http://', 'https://', 'file://'];

function scheme(url: string): string | null {
  const m = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url);
  return m ? `${m[1].toLowerCase()}://` : null;
}

function storeName(op: string, url: string, prefix: string): string {
  const name = url.slice(prefix.length);
  if (name.length === 0) throw new ArgumentError(op, `${url}: give a model name after ${prefix}`);
  return name;
}

function isHandler(v: unknown): v is IOHandler {
  return v !== null && typeof v === 'object' && (typeof (v as IOHandler).save === 'function' || typeof (v as IOHandler).load === 'function');
}

export async function saveTo(op: string, destination: unknown, artifacts: ModelArtifacts): Promise<SaveResult> {
  if (isHandler(destination)) {
    if (typeof destination.save !== 'function') throw new ArgumentError(op, 'the IO handler has no save method');
    const result = await destination.save(artifacts);
    return result !== null && typeof result === 'object' && 'modelArtifactsInfo' in result ? (result as SaveResult) : { modelArtifactsInfo: artifactsInfo(artifacts) };
  }
  if (typeof destination !== 'string') throw new ArgumentError(op, `destination must be a URL ('indexeddb://name', 'localstorage://name', 'downloads://name', 'file://dir'), a path (Node) or an IO handler, got ${describe(destination)}`);
  const s = scheme(destination);
  if (s === 'indexeddb://') return saveIndexedDB(op, destination, storeName(op, destination, s), artifacts);
  if (s === 'localstorage://') return saveLocalStorage(op, destination, storeName(op, destination, s), artifacts);
  if (s === 'downloads://') return saveDownloads(op, destination, storeName(op, destination, s), artifacts);
  if (s === 'http://' || s === 'https://') throw new ArgumentError(op, `${destination}: saving over HTTP is not supported; save to downloads:// or a file and upload it`);
  if (s === null || s === 'file://') return saveFiles(op, destination, artifacts);
  throw new ArgumentError(op, `${destination}: unknown scheme ${s} (webgpu-nn saves to ${SCHEMES.filter((x) => !x.startsWith('http')).join(', ')} or a path)`);
}

function isFileList(v: unknown): v is ArrayLike<File> {
  const FileClass = (globalThis as { File?: typeof File }).File;
  if (!FileClass || v === null || typeof v !== 'object' || typeof (v as ArrayLike<File>).length !== 'number') return false;
  const list = v as ArrayLike<File>;
  return list.length > 0 && Array.from(list).every((f) => f instanceof FileClass);
}

/** The artifacts of a source, and how messages name its parts. */
export async function loadFrom(op: string, source: unknown): Promise<ModelArtifacts> {
  if (isHandler(source)) {
    if (typeof source.load !== 'function') throw new ArgumentError(op, 'the IO handler has no load method');
    return source.load();
  }
  if (isFileList(source)) return loadFiles(op, source);
  if (source !== null && typeof source === 'object' && 'modelTopology' in source) return source as ModelArtifacts;
  if (typeof source !== 'string') {
    throw new ArgumentError(op, `source must be a URL ('indexeddb://name', 'localstorage://name', 'https://.../model.json', 'file://...'), a path (Node), File objects, model artifacts or an IO handler, got ${describe(source)}`);
  }
  const s = scheme(source);
  if (s === 'indexeddb://') return loadIndexedDB(op, source, storeName(op, source, s));
  if (s === 'localstorage://') return loadLocalStorage(op, source, storeName(op, source, s));
  if (s === 'http://' || s === 'https://') return loadHttp(op, source);
  // In a page, a URL without a scheme is relative to the page; in Node it is a path.
  const page = (globalThis as { location?: Location }).location;
  if (s === null && !isNode() && page) return loadHttp(op, new URL(source, page.href).href);
  if (s === null || s === 'file://') return loadPath(op, source);
  throw new ArgumentError(op, `${source}: cannot load from ${s} (webgpu-nn loads from indexeddb://, localstorage://, http(s)://, file://, a path, File objects or artifacts)`);
}

export async function removeFrom(op: string, url: unknown): Promise<void> {
  const s = typeof url === 'string' ? scheme(url) : null;
  if (s === 'indexeddb://') return removeIndexedDB(op, url as string, storeName(op, url as string, s));
  if (s === 'localstorage://') return removeLocalStorage(op, url as string, storeName(op, url as string, s));
  throw new ArgumentError(op, `url must be 'indexeddb://name' or 'localstorage://name', got ${describe(url)}`);
}

// ---- downloads ----

function saveDownloads(op: string, url: string, name: string, artifacts: ModelArtifacts): SaveResult {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) throw new ModelIOError(op, `${url}: downloads need a browser page (document)`);
  const weightsFile = `${name}.weights.bin`;
  const json = JSON.stringify(toModelJSON(artifacts, `./${weightsFile}`));
  const files: [string, Blob][] = [
    [`${name}.json`, new Blob([json], { type: 'application/json' })],
    [weightsFile, new Blob([concatenate(artifacts.weightData ?? new ArrayBuffer(0))], { type: 'application/octet-stream' })],
  ];
  for (const [file, blob] of files) {
    const a = doc.createElement('a');
    a.download = file;
    a.href = URL.createObjectURL(blob);
    a.click();
    // The browser reads the blob when the click's download starts; free it afterwards.
    setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
  }
  return { modelArtifactsInfo: artifactsInfo(artifacts) };
}

// ---- File objects (an <input type=file multiple>: model.json first, then its weight files) ----

function baseName(path: string): string {
  return path.split('/').pop()!;
}

async function loadFiles(op: string, files: ArrayLike<File>): Promise<ModelArtifacts> {
  const [jsonFile, ...rest] = Array.from(files);
  const json = parseModelJSON(op, await jsonFile.text(), jsonFile.name);
  return readModelJSON(op, json, jsonFile.name, async (path) => {
    const file = rest.find((f) => f.name === baseName(path));
    if (!file) throw new ModelIOError(op, `${jsonFile.name} names the weight file ${path}, which is not among the files given (${rest.map((f) => f.name).join(', ') || 'none'})`);
    return file.arrayBuffer();
  });
}

// ---- http(s) ----

async function fetchOk(op: string, url: string): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ModelIOError(op, `${url}: the request failed (${(error as Error).message})`, { cause: error });
  }
  if (!response.ok) throw new ModelIOError(op, `${url}: HTTP ${response.status} ${response.statusText}`.trimEnd());
  return response;
}

async function loadHttp(op: string, url: string): Promise<ModelArtifacts> {
  const json = parseModelJSON(op, await (await fetchOk(op, url)).text(), url);
  return readModelJSON(op, json, url, async (path) => (await fetchOk(op, new URL(path, url).href)).arrayBuffer());
}

// ---- files in Node ----

interface NodeFs {
  readFile(path: string): Promise<Uint8Array>;
  writeFile(path: string, data: string | Uint8Array): Promise<void>;
  mkdir(path: string, options: { recursive: true }): Promise<unknown>;
  stat(path: string): Promise<{ isDirectory(): boolean }>;
}

/**
 * Node's file system module, imported when a path is used. The module name is assembled at run time so that
 * bundlers do not follow it into browser builds.
 */
function isNode(): boolean {
  return typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';
}

async function nodeFs(op: string, path: string): Promise<NodeFs> {
  if (!isNode()) throw new ModelIOError(op, `${path}: file paths work in Node only; in a browser use indexeddb://, localstorage://, downloads://, http(s):// or File objects`);
  const name = ['node', 'fs/promises'].join(':');
  return (await import(/* @vite-ignore */ name)) as NodeFs;
}

function filePath(url: string): string {
  return url.toLowerCase().startsWith('file://') ? decodeURIComponent(new URL(url).pathname) : url;
}

function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : path.slice(0, i) || '/';
}

async function saveFiles(op: string, url: string, artifacts: ModelArtifacts): Promise<SaveResult> {
  const path = filePath(url);
  const fs = await nodeFs(op, url);
  // A path ending in .json names model.json itself; any other path is the directory for it.
  const jsonPath = path.endsWith('.json') ? path : `${path.replace(/\/+$/, '')}/model.json`;
  const dir = dirName(jsonPath);
  const weightsFile = 'weights.bin';
  try {
    await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(`${dir}/${weightsFile}`, new Uint8Array(concatenate(artifacts.weightData ?? new ArrayBuffer(0))));
    await fs.writeFile(jsonPath, JSON.stringify(toModelJSON(artifacts, weightsFile)));
  } catch (error) {
    throw new ModelIOError(op, `${url}: writing the model failed (${(error as Error).message})`, { cause: error });
  }
  return { modelArtifactsInfo: artifactsInfo(artifacts) };
}

async function loadPath(op: string, url: string): Promise<ModelArtifacts> {
  const fs = await nodeFs(op, url);
  let path = filePath(url);
  const read = async (file: string, what: string) => {
    try {
      return await fs.readFile(file);
    } catch (error) {
      throw new ModelIOError(op, `${url}: cannot read ${what} ${file} (${(error as Error).message})`, { cause: error });
    }
  };
  const isDirectory = await fs.stat(path).then((s) => s.isDirectory(), () => false);
  if (isDirectory) path = `${path.replace(/\/+$/, '')}/model.json`;
  const json = parseModelJSON(op, new TextDecoder().decode(await read(path, 'the model file')), path);
  return readModelJSON(op, json, path, async (shard) => {
    const bytes = await read(`${dirName(path)}/${shard}`, 'the weight file');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  });
}
