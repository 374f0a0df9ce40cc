/**
 * Model <-> artifacts: the topology (topology.ts), the weight manifest and its bytes
 * (little-endian float32; float16 and uint8/uint16-quantized weights are dequantized on load),
 * and the compile configuration as TF.js's `trainingConfig`. Loading checks everything before it
 * builds anything, so a bad file leaves no model and no GPU memory behind.
 */
import { describe, formatShape } from '../../shape.js';
import { ModelFormatError } from './errors.js';
import { isRecord, modelTopology, readTopology, GENERATED_BY } from './topology.js';
import { OPTIMIZER_DEFAULTS, OPTIMIZER_FREE_KEYS, OPTIMIZER_ROWS } from './tables.js';
import { Dense, type Layer } from '../layers.js';
import { parseLoss } from '../losses.js';
import { WebGPUNNError } from '../../errors.js';
import type { ModelCore } from '../core.js';
import type { Optimizer } from '../optimizers.js';
import type { ModelArtifacts, ModelArtifactsInfo, TrainingConfig, WeightSpec } from './types.js';
import type { CompileOptions } from '../model.js';

export const FORMAT = 'layers-model';

/** Bytes per stored value of each storage dtype webgpu-nn reads (int32: only in optimizer state, which it skips). */
const STORED_BYTES: Readonly<Record<string, number>> = { float32: 4, float16: 2, uint8: 1, uint16: 2, int32: 4 };

/** TF.js's group of the optimizer's state (saved with includeOptimizer): loading skips it, since compiling starts it afresh. */
const OPTIMIZER_GROUP = 'optimizer';

/** TF.js's trainingConfig of a compiled model. */
export function trainingConfig(core: ModelCore): TrainingConfig | undefined {
  const compiled = core.compiled;
  if (!compiled) return undefined;
  const optimizer = OPTIMIZER_ROWS.map((row) => row.save(compiled.optimizer)).find((o) => o !== null)!;
  return { loss: compiled.loss, metrics: compiled.metrics, optimizer_config: optimizer };
}

/** The artifacts of a model: topology, specs (Keras order) and one little-endian float32 buffer. */
export function toArtifacts(name: string, core: ModelCore, weights: Float32Array[] | null): ModelArtifacts {
  const params = weights ? core.params : [];
  const total = params.reduce((a, p) => a + p.size, 0);
  const data = new ArrayBuffer(total * 4);
  const view = new DataView(data);
  let offset = 0;
  weights?.forEach((w) => {
    for (let i = 0; i < w.length; i++, offset += 4) view.setFloat32(offset, w[i], true);
  });
  const training = trainingConfig(core);
  return {
    modelTopology: modelTopology(name, core.layers, core.inputWidth),
    weightSpecs: params.map((p) => ({ name: p.name, shape: [...p.shape], dtype: 'float32' })),
    weightData: data,
    format: FORMAT,
    generatedBy: GENERATED_BY,
    convertedBy: null,
    ...(training ? { trainingConfig: training } : {}),
  };
}

function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** TF.js's artifacts info: the sizes of the topology JSON, the specs JSON and the weight bytes. */
export function artifactsInfo(artifacts: ModelArtifacts): ModelArtifactsInfo {
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: utf8Bytes(JSON.stringify(artifacts.modelTopology)),
    weightSpecsBytes: utf8Bytes(JSON.stringify(artifacts.weightSpecs ?? [])),
    weightDataBytes: weightBytes(artifacts.weightData),
  };
}

export function weightBytes(data: ArrayBuffer | ArrayBuffer[] | undefined): number {
  if (data === undefined) return 0;
  return Array.isArray(data) ? data.reduce((a, b) => a + b.byteLength, 0) : data.byteLength;
}

/** Shards (or one buffer) as one buffer. */
export function concatenate(data: ArrayBuffer | ArrayBuffer[]): ArrayBuffer {
  if (!Array.isArray(data)) return data;
  if (data.length === 1) return data[0];
  const out = new Uint8Array(weightBytes(data));
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out.buffer;
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

interface CheckedSpec {
  spec: WeightSpec;
  part: string;
  size: number;
  stored: string;
}

/** Checks the specs (dtype, shape) and that their bytes add up to `bytes`; `part` names the manifest in messages. */
export function checkSpecs(op: string, specs: unknown, bytes: number, part: string, dataPart: string): CheckedSpec[] {
  if (!Array.isArray(specs)) throw new ModelFormatError(op, `${part}: expected an array of weight specs, got ${describe(specs)}`);
  let total = 0;
  const checked = specs.map((spec, i): CheckedSpec => {
    const where = `${part}[${i}]`;
    if (!isRecord(spec) || typeof spec.name !== 'string') throw new ModelFormatError(op, `${where}: expected { name, shape, dtype }, got ${describe(spec)}`);
    const named = `${where} '${spec.name}'`;
    const shape = spec.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new ModelFormatError(op, `${named}: shape must be an array of sizes, got ${describe(shape)}`);
    const quantization = spec.quantization;
    let stored = spec.dtype as string;
    if (quantization !== undefined) {
      if (!isRecord(quantization) || !['uint8', 'uint16', 'float16'].includes(quantization.dtype as string)) {
        throw new ModelFormatError(op, `${named}: quantization ${JSON.stringify(quantization)} is not supported (webgpu-nn dequantizes uint8, uint16 and float16)`);
      }
      if (quantization.dtype !== 'float16' && (typeof quantization.scale !== 'number' || typeof quantization.min !== 'number')) {
        throw new ModelFormatError(op, `${named}: ${quantization.dtype as string} quantization needs numbers scale and min, got ${JSON.stringify(quantization)}`);
      }
      stored = quantization.dtype as string;
    }
    const skipped = spec.group === OPTIMIZER_GROUP && (spec.dtype === 'float32' || spec.dtype === 'int32') && quantization === undefined;
    if (spec.dtype !== 'float32' && !(spec.dtype === 'float16' && quantization === undefined) && !skipped) {
      throw new ModelFormatError(op, `${named}: dtype ${describe(spec.dtype)} is not supported (webgpu-nn weights are float32; float16 and quantized float32 are converted)`);
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    total += size * STORED_BYTES[stored];
    return { spec: spec as unknown as WeightSpec, part: named, size, stored };
  });
  if (total !== bytes) {
    throw new ModelFormatError(op, `${part}: the specs take ${total} bytes (${checked.map((c) => `${c.spec.name} ${formatShape(c.spec.shape)} ${c.stored}`).join(', ')}), but ${dataPart} holds ${bytes}`);
  }
  return checked;
}

/** Decodes checked specs from their bytes (in spec order) to float32 arrays; optimizer state becomes null. */
export function decodeWeights(checked: CheckedSpec[], data: ArrayBuffer): (Float32Array | null)[] {
  const view = new DataView(data);
  let offset = 0;
  return checked.map(({ spec, size, stored }) => {
    if (spec.group === OPTIMIZER_GROUP) {
      offset += size * STORED_BYTES[stored];
      return null;
    }
    const out = new Float32Array(size);
    const q = spec.quantization;
    for (let i = 0; i < size; i++) {
      if (stored === 'float32') out[i] = view.getFloat32(offset + 4 * i, true);
      else if (stored === 'float16') out[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
      else if (stored === 'uint8') out[i] = view.getUint8(offset + i) * q!.scale! + q!.min!;
      else out[i] = view.getUint16(offset + 2 * i, true) * q!.scale! + q!.min!;
    }
    offset += size * STORED_BYTES[stored];
    return out;
  });
}

/**
 * Assigns the weights to the Dense layers: per layer its kernel [inputs, units], then its bias.
 * When every spec's name says its layer (`.../<layer>/<weight>`, matching the model's layer
 * names) the weights are grouped by layer; otherwise they are taken in manifest order. Within a
 * layer they are taken in order. Shapes are checked against the layers.
 */
function assignWeights(op: string, layers: readonly Layer[], inputWidth: number, checked: CheckedSpec[], values: Float32Array[]): Float32Array[] {
  const dense = layers.filter((l): l is Dense => l instanceof Dense);
  const layerOf = (name: string) => name.split('/').slice(-2, -1)[0];
  const byName = checked.every((c) => dense.some((d) => d.name === layerOf(c.spec.name)));
  // Each Dense layer's expected shapes, and the manifest entries it takes.
  let width = inputWidth;
  const plan = dense.map((layer) => {
    const shapes: number[][] = [[width, layer.units], ...(layer.useBias ? [[layer.units]] : [])];
    const inputs = width;
    width = layer.units;
    return { layer, inputs, shapes, own: byName ? checked.map((_, k) => k).filter((k) => layerOf(checked[k].spec.name) === layer.name) : null };
  });
  const wanted = plan.reduce((a, p) => a + p.shapes.length, 0);
  if (!byName && wanted !== checked.length) {
    throw new ModelFormatError(op, `weights: the model's Dense layers take ${wanted} weight arrays (${plan.map((p) => `${p.layer.name} ${p.shapes.map((s) => formatShape(s)).join(' + ')}`).join(', ')}), the manifest has ${checked.length}`);
  }
  let next = 0;
  return plan.flatMap(({ layer, inputs, shapes, own }) => {
    const indices = own ?? shapes.map(() => next++);
    if (indices.length !== shapes.length) {
      throw new ModelFormatError(op, `weights: layer '${layer.name}' (Dense) takes ${shapes.length} weight arrays (${shapes.map((s) => formatShape(s)).join(', ')}), the manifest has ${indices.length} named for it`);
    }
    return indices.map((k, j) => {
      const { spec, part } = checked[k];
      if (spec.shape.length !== shapes[j].length || spec.shape.some((d, a) => d !== shapes[j][a])) {
        throw new ModelFormatError(op, `${part}: shape ${formatShape(spec.shape)} does not fit layer '${layer.name}' (Dense, ${inputs} inputs, ${layer.units} units), whose ${j === 0 ? 'kernel' : 'bias'} is ${formatShape(shapes[j])}`);
      }
      return values[k];
    });
  });
}

/** Reads trainingConfig into compile options, or says why the model stays uncompiled. */
export function readTrainingConfig(config: unknown): { options: CompileOptions | null; reason: string | null } {
  if (config === undefined || config === null) return { options: null, reason: 'the file has no trainingConfig' };
  const why = (reason: string) => ({ options: null, reason: `trainingConfig: ${reason}` });
  if (!isRecord(config)) return why(`expected an object, got ${describe(config)}`);
  for (const key of ['loss_weights', 'weighted_metrics', 'sample_weight_mode']) {
    if (config[key] !== undefined && config[key] !== null) return why(`${key} is not supported`);
  }
  let loss: CompileOptions['loss'];
  try {
    loss = parseLoss('loadModel', config.loss);
  } catch {
    return why(`loss ${JSON.stringify(config.loss)} is not supported`);
  }
  const metrics = config.metrics ?? [];
  if (!Array.isArray(metrics) || !metrics.every((m) => m === 'accuracy' || m === 'acc') || metrics.length > 1) {
    return why(`metrics ${JSON.stringify(config.metrics)} are not supported (webgpu-nn has 'accuracy')`);
  }
  const optimizer = readOptimizer(config.optimizer_config);
  if (typeof optimizer === 'string') return why(optimizer);
  return { options: { loss, optimizer, metrics: metrics as ('accuracy' | 'acc')[] }, reason: null };
}

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function readOptimizer(config: unknown): Optimizer | string {
  if (!isRecord(config) || typeof config.class_name !== 'string') return `optimizer_config must be { class_name, config }, got ${describe(config)}`;
  const className = config.class_name;
  const row = OPTIMIZER_ROWS.find((r) => r.classNames.some((n) => n.toLowerCase() === className.toLowerCase()));
  if (!row) return `optimizer ${className} is not supported (webgpu-nn has ${OPTIMIZER_ROWS.flatMap((r) => r.classNames).join(', ')})`;
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(isRecord(config.config) ? config.config : {})) {
    const k = camel(key);
    if (row.keys[k] !== undefined) options[row.keys[k]] = value;
    else if (k in OPTIMIZER_DEFAULTS) {
      if (value !== OPTIMIZER_DEFAULTS[k] && !(value === null && k === 'decay')) return `optimizer ${className}'s ${key} ${JSON.stringify(value)} is not supported`;
    } else if (!OPTIMIZER_FREE_KEYS.includes(k)) return `optimizer ${className}'s option ${key} is not supported`;
  }
  try {
    return row.make(options);
  } catch (error) {
    if (!(error instanceof WebGPUNNError)) throw error;
    return `optimizer ${className}: ${error.message.slice(error.op.length + 2)}`;
  }
}

export interface ParsedModel {
  name: string;
  layers: Layer[];
  inputWidth: number | null;
  /** Keras order; null when the artifacts carry no weights. */
  weights: Float32Array[] | null;
}

/** Checks and reads artifacts (weights in one buffer or shards in order) into a model's parts. */
export function readArtifacts(op: string, artifacts: unknown, specsPart = 'weightSpecs', dataPart = 'weightData'): ParsedModel {
  if (!isRecord(artifacts)) throw new ModelFormatError(op, `expected model artifacts { modelTopology, weightSpecs, weightData }, got ${describe(artifacts)}`);
  const { name, layers, inputWidth: declared } = readTopology(op, artifacts.modelTopology);
  const specs = artifacts.weightSpecs ?? [];
  const rawData = artifacts.weightData ?? new ArrayBuffer(0);
  if (!(rawData instanceof ArrayBuffer) && !(Array.isArray(rawData) && rawData.every((b) => b instanceof ArrayBuffer))) {
    throw new ModelFormatError(op, `${dataPart}: expected an ArrayBuffer (or an array of them), got ${describe(rawData)}`);
  }
  const data = concatenate(rawData as ArrayBuffer | ArrayBuffer[]);
  const all = checkSpecs(op, specs, data.byteLength, specsPart, dataPart);
  const values = decodeWeights(all, data);
  const keep = all.map((_, i) => i).filter((i) => values[i] !== null);
  if (keep.length === 0) return { name, layers, inputWidth: declared, weights: null };
  const firstDense = layers.find((l): l is Dense => l instanceof Dense);
  if (!firstDense) throw new ModelFormatError(op, `${specsPart}: the model has no Dense layer, but the manifest has ${keep.length} weight arrays`);
  let inputWidth = declared;
  if (inputWidth === null) {
    // The first kernel's rows are the input features.
    const kernel = keep.map((i) => all[i]).find((c) => c.spec.shape.length === 2);
    if (!kernel) throw new ModelFormatError(op, `${specsPart}: no kernel (rank-2 weight) to read the input width from, and the topology gives no input shape`);
    inputWidth = kernel.spec.shape[0];
  }
  const weights = assignWeights(op, layers, inputWidth, keep.map((i) => all[i]), keep.map((i) => values[i]!));
  return { name, layers, inputWidth, weights };
}
