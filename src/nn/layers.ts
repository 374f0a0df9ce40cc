/**
 * Layers of a Sequential model: `Dense`, `Activation`, `Dropout`, and the shape layers
 * `InputLayer` and `Flatten`. A layer object holds configuration only; the weights belong to the
 * model it is added to (which also gives it its name, counted per model: dense_1, activation_1,
 * dense_2, ...).
 */
import { ArgumentError } from '../errors.js';
import { describe } from '../shape.js';
import { parseActivation, type ActivationName } from './activations.js';
import { activationOptions, activationSpec, slopeReadsInput, type ActivationInput } from '../linalg.js';
import { parseInitializer, type InitializerName } from './initializers.js';
import { checkOptions, type OptionSchema } from '../options.js';
import { ACTIVATION_CONFIG, DENSE_CONFIG, DROPOUT_CONFIG, FLATTEN_CONFIG, INPUT_LAYER_CONFIG } from './options.js';
import { randomSeed } from './random.js';
import { dropoutRule } from '../ops/training/reference.js';

export interface DenseConfig {
  /** Number of outputs. */
  units: number;
  /** Shape of one input sample, `[features]`; needed on the first layer unless `fit`/`predict` infer it. */
  inputShape?: number[];
  /** The same as `inputShape: [inputDim]` (TF.js's spelling). */
  inputDim?: number;
  /** Activation applied to x W + b (default `'linear'`; `'silu'` names `'swish'`). */
  activation?: ActivationInput;
  /** leakyRelu's slope for negative inputs (default 0.2) or elu's scale of them (default 1); only with `'leakyRelu'` or `'elu'`. */
  alpha?: number;
  /** gelu's tanh approximation instead of the exact form (default false); only with `'gelu'`. */
  approximate?: boolean;
  /** Whether the layer adds a bias (default true). */
  useBias?: boolean;
  /** Default `'glorotUniform'`. */
  kernelInitializer?: InitializerName;
  /** Default `'zeros'`. */
  biasInitializer?: InitializerName;
  /** Layer name; by default the model names it `dense_N`. */
  name?: string;
}

export interface ActivationConfig {
  activation: ActivationInput;
  /** leakyRelu's slope for negative inputs (default 0.2) or elu's scale of them (default 1); only with `'leakyRelu'` or `'elu'`. */
  alpha?: number;
  /** gelu's tanh approximation instead of the exact form (default false); only with `'gelu'`. */
  approximate?: boolean;
  name?: string;
}

/** What every layer has: its name and the model it belongs to. */
abstract class LayerBase {
  /** The name given in the config, or the one the model assigned (null before it is added). */
  name: string | null = null;
  /** @internal Set when added to a model. */
  owner: object | null = null;

  /** With a schema: checks that `config` is an object (like `example`) with the schema's keys only. */
  protected constructor(op: string, config?: unknown, schema?: OptionSchema, example?: string) {
    if (!schema) return;
    if (config === null || typeof config !== 'object') throw new ArgumentError(op, `config must be an object like ${example}, got ${describe(config)}`);
    checkOptions(op, config, schema);
  }
}

function checkName(op: string, name: unknown): string | null {
  if (name === undefined) return null;
  if (typeof name !== 'string' || name.length === 0) throw new ArgumentError(op, `name must be a non-empty string, got ${describe(name)}`);
  return name;
}

function checkInputShape(op: string, shape: unknown): readonly number[] {
  if (!Array.isArray(shape) || shape.length !== 1) {
    throw new ArgumentError(op, `inputShape must be [features] (the model takes rank-2 input [batch, features]), got ${describe(shape)}`);
  }
  checkPositiveInteger(op, 'inputShape[0]', shape[0]);
  return Object.freeze([shape[0] as number]);
}

function checkPositiveInteger(op: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ArgumentError(op, `${arg} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/**
 * A fully connected layer: y = activation(x W + b), W of shape [inputs, units].
 *
 * @example
 * model.add(new Dense({ units: 2, inputShape: [2] }));
 * model.add(new Dense({ units: 10, activation: 'softmax' }));
 */
export class Dense extends LayerBase {
  readonly className = 'Dense';
  readonly units: number;
  readonly inputShape: readonly number[] | null;
  readonly activation: ActivationName;
  /** The activation's parameter: leakyRelu's slope, elu's scale (their defaults unless given), gelu's form (GELU_TANH or GELU_EXACT). */
  readonly alpha: number;
  readonly useBias: boolean;
  readonly kernelInitializer: InitializerName;
  readonly biasInitializer: InitializerName;

  constructor(config: DenseConfig) {
    super('Dense', config, DENSE_CONFIG, '{ units: 4 }');
    const op = this.className;
    this.units = checkPositiveInteger(op, 'units', config.units);
    if (config.inputDim !== undefined) {
      if (config.inputShape !== undefined) throw new ArgumentError(op, 'give inputShape or inputDim, not both');
      this.inputShape = Object.freeze([checkPositiveInteger(op, 'inputDim', config.inputDim)]);
    } else if (config.inputShape === undefined) this.inputShape = null;
    else this.inputShape = checkInputShape(op, config.inputShape);
    this.activation = parseActivation(op, 'activation', config.activation ?? 'linear');
    this.alpha = activationSpec(op, this.activation, config.alpha, '', config.approximate).alpha;
    if (config.useBias !== undefined && typeof config.useBias !== 'boolean') throw new ArgumentError(op, `useBias must be a boolean, got ${describe(config.useBias)}`);
    this.useBias = config.useBias ?? true;
    this.kernelInitializer = parseInitializer(op, 'kernelInitializer', config.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = parseInitializer(op, 'biasInitializer', config.biasInitializer ?? 'zeros');
    this.name = checkName(op, config.name);
  }

  /** The config, as serialized by `toJSON`. */
  getConfig(): DenseConfig {
    const config: DenseConfig = {
      units: this.units,
      ...activationOptions({ activation: this.activation, alpha: this.alpha }),
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
    };
    if (this.inputShape) config.inputShape = [...this.inputShape];
    if (this.name) config.name = this.name;
    return config;
  }
}

/**
 * An activation applied elementwise (softmax: per row). Following a linear Dense it runs inside
 * that layer's kernel.
 *
 * @example
 * model.add(new Dense({ units: 1 }));
 * model.add(new Activation('sigmoid'));
 */
export class Activation extends LayerBase {
  readonly className = 'Activation';
  readonly activation: ActivationName;
  /** The activation's parameter: leakyRelu's slope, elu's scale (their defaults unless given), gelu's form (GELU_TANH or GELU_EXACT). */
  readonly alpha: number;

  constructor(config: ActivationInput | ActivationConfig) {
    super('Activation');
    const op = 'Activation';
    if (typeof config === 'string') {
      this.activation = parseActivation(op, 'activation', config);
      this.alpha = activationSpec(op, this.activation, undefined).alpha;
      this.name = null;
    } else if (config !== null && typeof config === 'object') {
      checkOptions(op, config, ACTIVATION_CONFIG);
      this.activation = parseActivation(op, 'activation', config.activation);
      this.alpha = activationSpec(op, this.activation, config.alpha, '', config.approximate).alpha;
      this.name = checkName(op, config.name);
    } else {
      throw new ArgumentError(op, `expected an activation name such as 'sigmoid' or { activation }, got ${describe(config)}`);
    }
  }

  getConfig(): ActivationConfig {
    const config: ActivationConfig = { activation: this.activation, ...activationOptions({ activation: this.activation, alpha: this.alpha }) };
    if (this.name) config.name = this.name;
    return config;
  }
}

export interface DropoutConfig {
  /** The fraction of the inputs dropped while training, in [0, 1). */
  rate: number;
  /** Seed of the masks (an integer in [0, 2^32)); a random one unless given. */
  seed?: number;
  name?: string;
}

export interface InputLayerConfig {
  /** Shape of one input sample, `[features]`. */
  inputShape: number[];
  name?: string;
}

/**
 * Inverted dropout: while training, each input is zeroed with probability `rate` and the others
 * are scaled by 1 / (1 - rate); predict and evaluate pass the inputs through. The mask of a step
 * is a hash of (seed, step, element), the same on every backend and path.
 *
 * @example
 * model.add(new Dropout({ rate: 0.2 }));
 */
export class Dropout extends LayerBase {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number;

  constructor(config: DropoutConfig) {
    super('Dropout', config, DROPOUT_CONFIG, '{ rate: 0.2 }');
    const op = this.className;
    if (typeof config.rate !== 'number' || !(config.rate >= 0 && config.rate < 1)) throw new ArgumentError(op, `rate must be a number in [0, 1), got ${describe(config.rate)}`);
    if (config.seed !== undefined && (typeof config.seed !== 'number' || !Number.isInteger(config.seed) || config.seed < 0 || config.seed > 0xffffffff)) {
      throw new ArgumentError(op, `seed must be an integer in [0, 2^32), got ${describe(config.seed)}`);
    }
    this.rate = config.rate;
    this.seed = config.seed ?? randomSeed();
    this.name = checkName(op, config.name);
  }

  getConfig(): DropoutConfig {
    const config: DropoutConfig = { rate: this.rate, seed: this.seed };
    if (this.name) config.name = this.name;
    return config;
  }
}

/**
 * Declares the model's input shape as a layer of its own (Keras's `InputLayer`); it must come
 * first and has no weights. The same as giving the first Dense an `inputShape`.
 *
 * @example
 * const model = new Sequential([new InputLayer({ inputShape: [784] }), new Dense({ units: 10 })]);
 */
export class InputLayer {
  readonly className = 'InputLayer';
  readonly inputShape: readonly number[];
  name: string | null;
  /** @internal */
  owner: object | null = null;

  constructor(config: InputLayerConfig) {
    const op = 'InputLayer';
    if (config === null || typeof config !== 'object') throw new ArgumentError(op, `config must be an object like { inputShape: [4] }, got ${describe(config)}`);
    checkOptions(op, config, INPUT_LAYER_CONFIG);
    this.inputShape = checkInputShape(op, config.inputShape);
    this.name = checkName(op, config.name);
  }

  getConfig(): InputLayerConfig {
    return { inputShape: [...this.inputShape], ...(this.name ? { name: this.name } : {}) };
  }
}

/**
 * Flattens each sample to one dimension (Keras's `Flatten`). webgpu-nn's samples are already
 * rows of features, so it changes nothing; it exists so that models that carry it load and save.
 *
 * @example
 * model.add(new Flatten());
 */
export class Flatten {
  readonly className = 'Flatten';
  name: string | null;
  /** @internal */
  owner: object | null = null;

  constructor(config: { name?: string } = {}) {
    const op = 'Flatten';
    if (config === null || typeof config !== 'object') throw new ArgumentError(op, `config must be an object, got ${describe(config)}`);
    checkOptions(op, config, FLATTEN_CONFIG);
    this.name = checkName(op, config.name);
  }

  getConfig(): { name?: string } {
    return this.name ? { name: this.name } : {};
  }
}

export type Layer = Dense | Activation | Dropout | InputLayer | Flatten;

/** Which stage of the compiled network a run of layers becomes. */
export interface Stage {
  /** Index into the model's Dense layers, or -1 for an activation with no Dense to fuse into. */
  dense: number;
  inputs: number;
  outputs: number;
  /** The activation the stage applies (a Dense's own, or that of the Activation layer fused into it). */
  activation: ActivationName;
  /** The activation's parameter (ActivationSpec), with the activation it belongs to. */
  alpha: number;
  useBias: boolean;
  /** A Dropout stage's seed, threshold and scale (dropoutRule); null for other stages. */
  dropout: { seed: number; threshold: number; scale: number } | null;
}


/**
 * Groups layers into stages: a Dense with a linear activation followed by an Activation layer is
 * one stage (the activation runs in the Dense kernel); any other Activation, and each Dropout, is
 * a stage of its own. gelu and swish always run as a stage of their own after a linear Dense: their
 * backward pass reads the pre-activation (slopeReadsInput), which is then the stage's input, kept
 * by every training path; the other activations keep their fused stage.
 */
export function buildStages(layers: readonly Layer[], inputWidth: number): Stage[] {
  const stages: Stage[] = [];
  let width = inputWidth;
  let denseIndex = 0;
  let lastFusable: Stage | null = null;
  for (const layer of layers) {
    if (layer instanceof Dense) {
      const split = slopeReadsInput(layer.activation);
      const stage: Stage = { dense: denseIndex++, inputs: width, outputs: layer.units, activation: split ? 'linear' : layer.activation, alpha: layer.alpha, useBias: layer.useBias, dropout: null };
      stages.push(stage);
      width = layer.units;
      if (split) stages.push({ dense: -1, inputs: width, outputs: width, activation: layer.activation, alpha: layer.alpha, useBias: false, dropout: null });
      lastFusable = layer.activation === 'linear' ? stage : null;
    } else if (layer instanceof Dropout) {
      stages.push({ dense: -1, inputs: width, outputs: width, activation: 'linear', alpha: 0, useBias: false, dropout: { seed: layer.seed, ...dropoutRule(layer.rate) } });
      lastFusable = null;
    } else if (layer instanceof InputLayer || layer instanceof Flatten) {
      // No computation: a linear Dense before them still takes the Activation after them.
      continue;
    } else if (lastFusable && !slopeReadsInput(layer.activation)) {
      lastFusable.activation = layer.activation;
      lastFusable.alpha = layer.alpha;
      lastFusable = null;
    } else {
      stages.push({ dense: -1, inputs: width, outputs: width, activation: layer.activation, alpha: layer.alpha, useBias: false, dropout: null });
    }
  }
  return stages;
}
