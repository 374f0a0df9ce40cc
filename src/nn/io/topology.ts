/**
 * The model topology of the TF.js Layers format (Keras's model config): a `Sequential` of
 * `InputLayer` / `Dense` / `Activation` / `Flatten` (and the activation layers of
 * tables.ts), written as TF.js writes it and read as TF.js, Keras 2 and Keras 3 write it.
 */
import { describe } from '../../shape.js';
import { ACTIVATION_ROWS, INITIALIZER_ROWS, type ActivationRow } from './tables.js';
import { ModelFormatError } from './errors.js';
import { Activation, Dense, Dropout, Flatten, InputLayer, type Layer } from '../layers.js';
import type { ActivationName } from '../activations.js';
import type { InitializerName } from '../initializers.js';
import { WebGPUNNError } from '../../errors.js';
import { GELU_TANH } from '../../linalg.js';

/** What `model.toJSON()` returns: the `modelTopology` of model.json. */
export interface ModelTopology {
  class_name: 'Sequential';
  config: { name: string; layers: { class_name: string; config: Record<string, unknown> }[] };
  keras_version: string;
  backend: string;
}

export const GENERATED_BY = 'webgpu-nn';

type LayerJSON = { class_name: string; config: Record<string, unknown> };

/** The row that saves an activation with its parameter (gelu's form picks one of gelu's rows). */
function activationRow(name: ActivationName, alpha: number): ActivationRow {
  return ACTIVATION_ROWS.find((r) => r.name === name && (r.approximate === undefined || r.approximate === (alpha === GELU_TANH)))!;
}

function initializerJSON(name: InitializerName): { class_name: string; config: Record<string, unknown> } {
  const row = INITIALIZER_ROWS.find((r) => r.name === name)!;
  return { class_name: row.className, config: { ...row.config } };
}

/** The layer TF.js uses for an activation that has no activation string (LeakyReLU with its alpha). */
function activationLayerJSON(row: ActivationRow, alpha: number, name: string, first: object): LayerJSON {
  const layer = row.layer!;
  return { class_name: layer.className, config: { [layer.params.alpha[0]]: alpha, name, trainable: true, ...first, dtype: 'float32' } };
}

/** The topology of a model with these layers (inputWidth: null while the input shape is unknown). */
export function modelTopology(modelName: string, layers: readonly Layer[], inputWidth: number | null): ModelTopology {
  const out = layers.flatMap((layer, i) => {
    // TF.js puts the input shape on the first layer (an InputLayer writes its own).
    const first = i === 0 && inputWidth !== null ? { batch_input_shape: [null, inputWidth] } : {};
    return LAYER_CLASSES[layer.className].write!(layer, layer.name!, first);
  });
  return { class_name: 'Sequential', config: { name: modelName, layers: out }, keras_version: GENERATED_BY, backend: GENERATED_BY };
}

// ---- reading ----

/** A plain JSON object (not null, not an array). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** float32, as a string (TF.js, Keras 2) or Keras 3's DTypePolicy object `{ module, class_name, config: { name }, registered_name }`. */
function isFloat32DType(v: unknown): boolean {
  if (v === 'float32') return true;
  return isRecord(v) && v.class_name === 'DTypePolicy' && isRecord(v.config) && v.config.name === 'float32';
}

/**
 * Keys real files carry for features webgpu-nn lacks, with the value that means "not used"; a
 * different value is refused with the feature's name.
 */
const DEFAULT_KEYS: Readonly<Record<string, { ok: (v: unknown) => boolean; feature: string }>> = {
  trainable: { ok: (v) => v === true, feature: 'freezing layers (trainable: false)' },
  dtype: { ok: isFloat32DType, feature: "a dtype other than 'float32'" },
  kernel_regularizer: { ok: (v) => v === null, feature: 'weight regularizers' },
  bias_regularizer: { ok: (v) => v === null, feature: 'weight regularizers' },
  activity_regularizer: { ok: (v) => v === null, feature: 'activity regularizers' },
  kernel_constraint: { ok: (v) => v === null, feature: 'weight constraints' },
  bias_constraint: { ok: (v) => v === null, feature: 'weight constraints' },
  sparse: { ok: (v) => v === false, feature: 'sparse inputs' },
  ragged: { ok: (v) => v === false, feature: 'ragged inputs' },
  lora_rank: { ok: (v) => v === null, feature: 'LoRA' },
  data_format: { ok: (v) => v === 'channels_last' || v === null, feature: "a data_format other than 'channels_last'" },
};

/** Keys of a layer entry (beside class_name and config) that carry nothing webgpu-nn needs. */
const ENTRY_KEYS = ['class_name', 'config', 'module', 'registered_name', 'build_config', 'name', 'inbound_nodes'];

/**
 * One layer class of the format: the config keys it reads, what it adds to the model, and (for
 * webgpu-nn's own layer classes) the layers it is written as. `first` is the input shape entry a
 * first layer carries (empty otherwise).
 */
interface LayerFormat {
  keys: readonly string[];
  read(r: Reader, config: Record<string, unknown>, name: string | undefined): void;
  write?(layer: Layer, name: string, first: object): LayerJSON[];
}

class Reader {
  readonly layers: Layer[] = [];
  inputWidth: number | null = null;
  /** Where in the file the reader is, for messages: `modelTopology.config.layers[2] (Dense 'dense_1')`. */
  part = 'modelTopology';
  constructor(readonly op: string) {}

  fail(message: string): never {
    throw new ModelFormatError(this.op, `${this.part}: ${message}`);
  }

  /** Builds a layer, reporting a bad value as this part of the file rather than the constructor's call. */
  make<T>(build: () => T): T {
    try {
      return build();
    } catch (error) {
      if (!(error instanceof WebGPUNNError)) throw error;
      this.fail(error.message.slice(error.op.length + 2));
    }
  }

  /** An activation string as a layer config's activation (and gelu's `approximate`). */
  activation(value: unknown): { activation: ActivationName; approximate?: boolean } {
    const row = ACTIVATION_ROWS.find((r) => r.keras?.includes(value as string));
    if (!row) {
      const known = ACTIVATION_ROWS.flatMap((r) => r.keras ?? []);
      this.fail(`activation ${describe(value)} is not supported (webgpu-nn has ${known.map((k) => `'${k}'`).join(', ')})`);
    }
    return row.approximate === undefined ? { activation: row.name } : { activation: row.name, approximate: row.approximate };
  }

  initializer(key: string, value: unknown): InitializerName {
    if (typeof value === 'string') {
      const row = INITIALIZER_ROWS.find((r) => r.className === value || r.name === value || r.name === value.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()));
      if (row) return row.name;
    } else if (isRecord(value) && isRecord(value.config)) {
      const c = value.config;
      const row =
        value.class_name === 'VarianceScaling'
          ? INITIALIZER_ROWS.find((r) => r.varianceScaling && r.varianceScaling.scale === c.scale && r.varianceScaling.mode === c.mode && r.varianceScaling.distributions.includes(c.distribution as string))
          : INITIALIZER_ROWS.find((r) => r.className === value.class_name && Object.keys(c).every((k) => (k === 'seed' ? true : r.config[k] === c[k])));
      if (row) return row.name;
    }
    return this.fail(`${key} ${JSON.stringify(value)} is not supported (webgpu-nn has ${INITIALIZER_ROWS.map((r) => r.className).join(', ')} with their default parameters)`);
  }

  /** The feature count of a batch shape [null, features]. */
  batchShape(key: string, value: unknown): number {
    if (!Array.isArray(value) || value.length !== 2 || !Number.isInteger(value[1]) || (value[1] as number) < 1) {
      this.fail(`${key} must be [batch, features] (webgpu-nn models take rank-2 input), got ${describe(value)}`);
    }
    return value[1] as number;
  }

  /** Refuses keys other than `read` unless they hold the value that means "feature not used". */
  checkDefaults(config: Record<string, unknown>, read: readonly string[]): void {
    for (const [key, value] of Object.entries(config)) {
      if (read.includes(key)) continue;
      const rule = DEFAULT_KEYS[key];
      if (!rule) this.fail(`config key '${key}' is not supported`);
      if (!rule.ok(value)) this.fail(`${key} ${JSON.stringify(value)} is not supported (webgpu-nn has no ${rule.feature})`);
    }
  }

  setInputWidth(width: number): void {
    if (this.layers.length > 0) this.fail('an input shape is given on a layer that is not the first');
    this.inputWidth = width;
  }
}

const INPUT_KEYS = ['batch_input_shape', 'batch_shape'];

const LAYER_CLASSES: Record<string, LayerFormat> = {
  InputLayer: {
    keys: [...INPUT_KEYS, 'input_shape'],
    write: (layer, name) => [{ class_name: 'InputLayer', config: { batch_input_shape: [null, (layer as InputLayer).inputShape[0]], dtype: 'float32', sparse: false, name } }],
    read(r, c, name) {
      const width = c.input_shape !== undefined ? r.batchShape('input_shape', [null, ...(c.input_shape as unknown[])]) : r.batchShape(c.batch_shape !== undefined ? 'batch_shape' : 'batch_input_shape', c.batch_shape ?? c.batch_input_shape);
      r.setInputWidth(width);
      r.layers.push(r.make(() => new InputLayer({ inputShape: [width], name })));
    },
  },
  Dense: {
    keys: ['units', 'activation', 'use_bias', 'kernel_initializer', 'bias_initializer', ...INPUT_KEYS],
    write(layer, name, first) {
      const dense = layer as Dense;
      const row = activationRow(dense.activation, dense.alpha);
      const config = {
        units: dense.units,
        activation: row.layer ? 'linear' : row.keras![0],
        use_bias: dense.useBias,
        kernel_initializer: initializerJSON(dense.kernelInitializer),
        bias_initializer: initializerJSON(dense.biasInitializer),
        kernel_regularizer: null,
        bias_regularizer: null,
        activity_regularizer: null,
        kernel_constraint: null,
        bias_constraint: null,
        name,
        trainable: true,
        ...first,
        dtype: 'float32',
      };
      return [{ class_name: 'Dense', config }, ...(row.layer ? [activationLayerJSON(row, dense.alpha, `${name}_${row.layer.className.toLowerCase()}`, {})] : [])];
    },
    read(r, c, name) {
      readInputShape(r, c);
      const activation = r.activation(c.activation ?? 'linear');
      const kernelInitializer = r.initializer('kernel_initializer', c.kernel_initializer ?? 'GlorotUniform');
      const biasInitializer = r.initializer('bias_initializer', c.bias_initializer ?? 'Zeros');
      const inputShape = r.layers.length === 0 && r.inputWidth !== null ? { inputShape: [r.inputWidth] } : {};
      r.layers.push(r.make(() => new Dense({ units: c.units as number, ...activation, useBias: (c.use_bias ?? true) as boolean, kernelInitializer, biasInitializer, name, ...inputShape })));
    },
  },
  Activation: {
    keys: ['activation', ...INPUT_KEYS],
    write(layer, name, first) {
      const row = activationRow((layer as Activation).activation, (layer as Activation).alpha);
      if (row.layer) return [activationLayerJSON(row, (layer as Activation).alpha, name, first)];
      return [{ class_name: 'Activation', config: { activation: row.keras![0], name, trainable: true, ...first, dtype: 'float32' } }];
    },
    read(r, c, name) {
      readInputShape(r, c);
      const activation = r.activation(c.activation);
      r.layers.push(r.make(() => new Activation({ ...activation, name })));
    },
  },
  Dropout: {
    keys: ['rate', 'seed', 'noise_shape', ...INPUT_KEYS],
    write: (layer, name, first) => {
      const d = layer as Dropout;
      return [{ class_name: 'Dropout', config: { rate: d.rate, noise_shape: null, seed: d.seed, name, trainable: true, ...first, dtype: 'float32' } }];
    },
    read(r, c, name) {
      readInputShape(r, c);
      if (c.noise_shape !== undefined && c.noise_shape !== null) r.fail('noise_shape is not supported (webgpu-nn drops each element on its own)');
      const seed = c.seed === null || c.seed === undefined ? {} : { seed: c.seed as number };
      r.layers.push(r.make(() => new Dropout({ rate: c.rate as number, ...seed, name })));
    },
  },
  Flatten: {
    keys: INPUT_KEYS,
    write: (_layer, name, first) => [{ class_name: 'Flatten', config: { name, trainable: true, ...first, dtype: 'float32' } }],
    read(r, c, name) {
      readInputShape(r, c);
      r.layers.push(r.make(() => new Flatten({ name })));
    },
  },
};

// The activations saved as layers of their own read back fused into the linear Dense before them.
for (const row of ACTIVATION_ROWS) {
  if (!row.layer) continue;
  const alphaKeys = row.layer.params.alpha;
  LAYER_CLASSES[row.layer.className] = {
    keys: [...alphaKeys, ...INPUT_KEYS],
    read(r, c, name) {
      readInputShape(r, c);
      const given = alphaKeys.filter((k) => c[k] !== undefined);
      if (given.length > 1) r.fail(`give one of ${given.join(', ')}`);
      const alpha = given.length ? c[given[0]] : undefined;
      const last = r.layers[r.layers.length - 1];
      if (last instanceof Dense && last.activation === 'linear') {
        const config = { ...last.getConfig(), activation: row.name, alpha: alpha as number };
        r.layers[r.layers.length - 1] = r.make(() => new Dense(config));
      } else {
        r.layers.push(r.make(() => new Activation({ activation: row.name, ...(alpha === undefined ? {} : { alpha: alpha as number }), name })));
      }
    },
  };
}

function readInputShape(r: Reader, c: Record<string, unknown>): void {
  for (const key of INPUT_KEYS) if (c[key] !== undefined) r.setInputWidth(r.batchShape(key, c[key]));
}

/** Reads a topology (TF.js's, Keras 2's or Keras 3's) into layers and the input width. */
export function readTopology(op: string, topology: unknown): { name: string; layers: Layer[]; inputWidth: number | null } {
  const r: Reader = new Reader(op);
  if (!isRecord(topology)) r.fail(`expected an object (the model config), got ${describe(topology)}`);
  // The Keras converter nests it as { model_config, training_config }.
  let model = topology;
  if (isRecord(topology.model_config)) {
    model = topology.model_config;
    r.part = 'modelTopology.model_config';
  }
  if (model.class_name !== 'Sequential') r.fail(`class_name ${describe(model.class_name)} is not supported (webgpu-nn loads Sequential models)`);
  const config = model.config;
  const base = r.part;
  // Keras before 2.2.3 wrote the Sequential config as the bare list of layers.
  const layers = Array.isArray(config) ? config : isRecord(config) ? config.layers : undefined;
  if (!Array.isArray(layers)) {
    r.part = `${base}.config`;
    r.fail(`expected { name, layers: [...] }, got ${describe(config)}`);
  }
  if (isRecord(config)) {
    r.part = `${base}.config`;
    // Keras 3 records the built input shape beside the layers; the layers carry it too.
    r.checkDefaults(config, ['name', 'layers', 'build_input_shape']);
  }
  layers.forEach((entry, i) => {
    r.part = `${base}.config.layers[${i}]`;
    if (!isRecord(entry) || !isRecord(entry.config)) r.fail(`expected { class_name, config }, got ${describe(entry)}`);
    for (const key of Object.keys(entry)) if (!ENTRY_KEYS.includes(key)) r.fail(`unknown key '${key}'`);
    const className = entry.class_name;
    const reader = typeof className === 'string' ? LAYER_CLASSES[className] : undefined;
    if (!reader) r.fail(`layer class ${describe(className)} is not supported (webgpu-nn has ${Object.keys(LAYER_CLASSES).join(', ')})`);
    const c = entry.config;
    const name = c.name === undefined ? undefined : String(c.name);
    r.part = `${base}.config.layers[${i}] (${className}${name === undefined ? '' : ` '${name}'`})`;
    r.checkDefaults(c, ['name', ...reader.keys]);
    reader.read(r, c, name);
  });
  const name = isRecord(config) && typeof config.name === 'string' && config.name.length > 0 ? config.name : 'sequential';
  return { name, layers: r.layers, inputWidth: r.inputWidth };
}
