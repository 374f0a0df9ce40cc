/**
 * toJSON / fromJSON: the architecture (layer configs) and the weights, exactly (each weight array
 * as the base64 of its little-endian float32 bytes, so every value, NaN included, round-trips).
 */
import { ArgumentError, WebGPUNNError } from '../errors.js';
import { describe } from '../shape.js';
import { Activation, Dense, Dropout, type ActivationConfig, type DenseConfig, type DropoutConfig, type Layer } from './layers.js';
import type { ModelCore } from './core.js';

export const JSON_FORMAT = 'webgpu-nn/sequential';
export const JSON_FORMAT_VERSION = 1;

export interface WeightJSON {
  name: string;
  shape: number[];
  dtype: 'float32';
  /** base64 of the values as little-endian float32. */
  data: string;
}

export interface SequentialJSON {
  format: typeof JSON_FORMAT;
  formatVersion: number;
  name: string;
  /** Input features, or null while the model is not built. */
  inputShape: number[] | null;
  layers: ({ className: 'Dense'; config: DenseConfig } | { className: 'Activation'; config: ActivationConfig } | { className: 'Dropout'; config: DropoutConfig })[];
  /** Keras order; null when the model had no weights yet (not built). */
  weights: WeightJSON[] | null;
}

function toBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(op: string, arg: string, text: unknown): Float32Array {
  if (typeof text !== 'string') throw new ArgumentError(op, `${arg} must be a base64 string, got ${describe(text)}`);
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new ArgumentError(op, `${arg} is not valid base64`);
  }
  if (binary.length % 4 !== 0) throw new ArgumentError(op, `${arg} holds ${binary.length} bytes, not a whole number of float32 values`);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

export function modelToJSON(name: string, core: ModelCore, weights: Float32Array[] | null): SequentialJSON {
  return {
    format: JSON_FORMAT,
    formatVersion: JSON_FORMAT_VERSION,
    name,
    inputShape: core.inputWidth === null ? null : [core.inputWidth],
    layers: core.layers.map((l) =>
      l instanceof Dense ? { className: 'Dense' as const, config: l.getConfig() } : l instanceof Dropout ? { className: 'Dropout' as const, config: l.getConfig() } : { className: 'Activation' as const, config: l.getConfig() },
    ),
    weights: weights ? weights.map((w, i) => ({ name: core.params[i].name, shape: [...core.params[i].shape], dtype: 'float32' as const, data: toBase64(w) })) : null,
  };
}

/** Parses and checks a SequentialJSON (or its string); returns the layers, input width and weights. */
export function parseModelJSON(op: string, json: unknown): { name: string; layers: Layer[]; inputWidth: number | null; weights: Float32Array[] | null } {
  let value = json;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new ArgumentError(op, `json is not valid JSON: ${(error as Error).message}`);
    }
  }
  if (value === null || typeof value !== 'object') throw new ArgumentError(op, `json must be what model.toJSON() returned (or its string), got ${describe(json)}`);
  const j = value as Partial<SequentialJSON>;
  if (j.format !== JSON_FORMAT) throw new ArgumentError(op, `json.format must be ${JSON.stringify(JSON_FORMAT)}, got ${describe(j.format)}`);
  if (j.formatVersion !== JSON_FORMAT_VERSION) throw new ArgumentError(op, `json.formatVersion ${describe(j.formatVersion)} is not supported (expected ${JSON_FORMAT_VERSION})`);
  if (!Array.isArray(j.layers)) throw new ArgumentError(op, `json.layers must be an array, got ${describe(j.layers)}`);
  const layers = j.layers.map((l, i) => {
    if (!l || typeof l !== 'object') throw new ArgumentError(op, `json.layers[${i}] must be an object, got ${describe(l)}`);
    if (l.className === 'Dense' || l.className === 'Activation' || l.className === 'Dropout') {
      try {
        if (l.className === 'Dropout') return new Dropout(l.config);
        return l.className === 'Dense' ? new Dense(l.config as DenseConfig) : new Activation(l.config as ActivationConfig);
      } catch (error) {
        // Name the load and the entry, not the layer constructor the caller never called.
        if (!(error instanceof WebGPUNNError)) throw error;
        const reason = error.message.slice(error.op.length + 2);
        throw new ArgumentError(op, `json.layers[${i}] (${l.className}) has a bad config: ${reason}`, { cause: error });
      }
    }
    throw new ArgumentError(op, `json.layers[${i}].className must be 'Dense', 'Activation' or 'Dropout', got ${describe((l as { className?: unknown }).className)}`);
  });
  let inputWidth: number | null = null;
  if (j.inputShape !== null && j.inputShape !== undefined) {
    if (!Array.isArray(j.inputShape) || j.inputShape.length !== 1 || !Number.isInteger(j.inputShape[0]) || j.inputShape[0] < 1) {
      throw new ArgumentError(op, `json.inputShape must be [features] or null, got ${describe(j.inputShape)}`);
    }
    inputWidth = j.inputShape[0];
  }
  let weights: Float32Array[] | null = null;
  if (j.weights !== null && j.weights !== undefined) {
    if (!Array.isArray(j.weights)) throw new ArgumentError(op, `json.weights must be an array or null, got ${describe(j.weights)}`);
    weights = j.weights.map((w, i) => fromBase64(op, `json.weights[${i}].data`, w?.data));
  }
  return { name: typeof j.name === 'string' ? j.name : 'sequential', layers, inputWidth, weights };
}
