/** loadModel, listModels, removeModel: the functions of the saved-model API that are not methods. */
import { checkOptions } from '../../options.js';
import { ArgumentError } from '../../errors.js';
import { describe } from '../../shape.js';
import { Sequential } from '../model.js';
import type { CoreContext } from '../../core-context.js';
import { readTrainingConfig } from './artifacts.js';
import { loadFrom, removeFrom, type LoadSource } from './handlers.js';
import { listStoredModels } from './browser-stores.js';
import type { ModelList } from './types.js';

export interface LoadModelOptions {
  /** The context the model binds to (its weights are uploaded there). Default: the default context, on first use. */
  context?: CoreContext;
}

const LOAD_OPTIONS = {
  known: ['context'],
  unsupported: {
    strict: 'loading is always strict: every weight must match a layer',
    onProgress: 'progress is not reported',
    weightPathPrefix: 'weight files are read next to model.json',
    requestInit: 'requests use fetch defaults',
    fetchFunc: 'requests use the global fetch',
  },
};

/**
 * Loads a model saved in the TF.js Layers format (by webgpu-nn, TF.js, or Keras through
 * tensorflowjs_converter). `source`: `'indexeddb://name'`, `'localstorage://name'`,
 * `'https://.../model.json'`, a `file://` URL or a path (Node), `File` objects (model.json first,
 * then its weight files), an artifacts object `{ modelTopology, weightSpecs, weightData }`, or an
 * IO handler (TF.js's `io.fromMemory(...)`). Compiles the model from the file's trainingConfig
 * when webgpu-nn supports it; `model.loadInfo` says whether it did, and why not.
 *
 * @example
 * const model = await loadModel('https://example.com/model/model.json', { context: ctx });
 * const y = await model.predict([[0, 1]]).read();
 */
export async function loadModel(source: LoadSource, options?: LoadModelOptions): Promise<Sequential> {
  const op = 'loadModel';
  const o = checkOptions(op, options, LOAD_OPTIONS) as LoadModelOptions;
  const ctx = o.context;
  if (ctx !== undefined && (ctx === null || typeof ctx !== 'object' || typeof (ctx as { checkUsable?: unknown }).checkUsable !== 'function')) {
    throw new ArgumentError(op, `options.context must be a Context from createContext(), got ${describe(ctx)}`);
  }
  const artifacts = await loadFrom(op, source);
  const model = Sequential.fromArtifacts(op, artifacts);
  // The Keras converter keeps the training config inside the topology.
  const topology = artifacts.modelTopology as { training_config?: unknown } | undefined;
  const training = readTrainingConfig(artifacts.trainingConfig ?? topology?.training_config);
  if (training.options) model.compile({ ...training.options, ...(ctx ? { context: ctx } : {}) });
  else if (ctx) model.core.bind(op, ctx);
  model.loadInfo = { compiled: training.options !== null, reason: training.reason };
  return model;
}

/**
 * The models saved in this browser's IndexedDB and localStorage (by webgpu-nn or TF.js), by URL,
 * with TF.js's artifacts info (sizes, date saved).
 *
 * @example
 * const models = await listModels(); // { 'indexeddb://my-model': { dateSaved, ... } }
 */
export function listModels(): Promise<ModelList> {
  return listStoredModels('listModels');
}

/**
 * Deletes a model saved in IndexedDB or localStorage.
 *
 * @example
 * await removeModel('localstorage://my-model');
 */
export function removeModel(url: string): Promise<void> {
  return removeFrom('removeModel', url);
}
