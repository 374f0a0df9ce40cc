/**
 * How webgpu-nn's names map to the TF.js / Keras Layers format, one row per thing: activations,
 * initializers, optimizers, losses. Saving writes a row's first (TF.js) form; loading accepts
 * every form a row lists. Adding an activation or an optimizer to the format is adding a row.
 */
import type { ActivationName } from '../activations.js';
import type { InitializerName } from '../initializers.js';
import { Adagrad, Adam, AdamW, RMSprop, SGD, type Optimizer } from '../optimizers.js';

export interface ActivationRow {
  name: ActivationName;
  /** The activation string of a Dense or Activation layer (TF.js's spelling first). */
  keras?: readonly string[];
  /**
   * TF.js has no activation string for it, only a layer of its own: saved as a linear Dense (or
   * nothing) followed by that layer; loading fuses that layer back into the Dense before it.
   * `params` maps webgpu-nn's parameter to the layer config's keys (TF.js's first).
   */
  layer?: { className: string; params: Readonly<Record<'alpha', readonly string[]>> };
  /** gelu's form the row's strings stand for (its `approximate` option); absent for the others. */
  approximate?: boolean;
}

export const ACTIVATION_ROWS: readonly ActivationRow[] = [
  { name: 'linear', keras: ['linear'] },
  { name: 'sigmoid', keras: ['sigmoid'] },
  { name: 'relu', keras: ['relu'] },
  { name: 'tanh', keras: ['tanh'] },
  { name: 'softmax', keras: ['softmax'] },
  // Keras 3's 'leaky_relu' string has the layer's default slope (0.2, webgpu-nn's too).
  { name: 'leakyRelu', keras: ['leaky_relu'], layer: { className: 'LeakyReLU', params: { alpha: ['alpha', 'negative_slope'] } } },
  // The 'elu' string has alpha 1; the ELU layer carries any alpha.
  { name: 'elu', keras: ['elu'], layer: { className: 'ELU', params: { alpha: ['alpha'] } } },
  { name: 'softplus', keras: ['softplus'] },
  // Keras's 'gelu' string is the exact form; TF.js names the tanh form 'gelu_new'.
  { name: 'gelu', keras: ['gelu'], approximate: false },
  { name: 'gelu', keras: ['gelu_new'], approximate: true },
  { name: 'swish', keras: ['swish', 'silu'] },
];

export interface InitializerRow {
  name: InitializerName;
  /** The Keras class and its config at webgpu-nn's values (`seed: null` where Keras has one). */
  className: string;
  config: Readonly<Record<string, unknown>>;
  /** The same initializer as a VarianceScaling config (TF.js writes Glorot/He this way). */
  varianceScaling?: { scale: number; mode: string; distributions: readonly string[] };
}

export const INITIALIZER_ROWS: readonly InitializerRow[] = [
  { name: 'glorotUniform', className: 'GlorotUniform', config: { seed: null }, varianceScaling: { scale: 1, mode: 'fan_avg', distributions: ['uniform'] } },
  { name: 'glorotNormal', className: 'GlorotNormal', config: { seed: null }, varianceScaling: { scale: 1, mode: 'fan_avg', distributions: ['normal', 'truncated_normal'] } },
  { name: 'heNormal', className: 'HeNormal', config: { seed: null }, varianceScaling: { scale: 2, mode: 'fan_in', distributions: ['normal', 'truncated_normal'] } },
  { name: 'randomNormal', className: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: null } },
  { name: 'zeros', className: 'Zeros', config: {} },
  { name: 'ones', className: 'Ones', config: {} },
];

export interface OptimizerRow {
  /** Class names that load with this row (TF.js's and Keras's). */
  classNames: readonly string[];
  /** The config keys (camelCase; snake_case keys are read as camelCase) mapped to webgpu-nn's option names. */
  keys: Readonly<Record<string, string>>;
  /** Builds the optimizer from the mapped options (its constructor checks the values). */
  make(options: Record<string, unknown>): Optimizer;
  /** Whether this row saves `o`, and how (TF.js's class and config). */
  save(o: Optimizer): { class_name: string; config: Record<string, unknown> } | null;
}

export const OPTIMIZER_ROWS: readonly OptimizerRow[] = [
  {
    classNames: ['SGD'],
    keys: { learningRate: 'learningRate', momentum: 'momentum', nesterov: 'nesterov' },
    make: (o) => new SGD(o),
    save: (o) => (o instanceof SGD && o.momentum === 0 ? { class_name: 'SGD', config: { learningRate: o.learningRate } } : null),
  },
  {
    // TF.js's SGD with momentum.
    classNames: ['Momentum'],
    keys: { learningRate: 'learningRate', momentum: 'momentum', useNesterov: 'nesterov' },
    make: (o) => new SGD(o),
    save: (o) => (o instanceof SGD && o.momentum !== 0 ? { class_name: 'Momentum', config: { learningRate: o.learningRate, momentum: o.momentum, useNesterov: o.nesterov } } : null),
  },
  {
    classNames: ['Adam'],
    keys: { learningRate: 'learningRate', beta1: 'beta1', beta2: 'beta2', epsilon: 'epsilon' },
    make: (o) => new Adam(o),
    save: (o) => (o instanceof Adam && !(o instanceof AdamW) ? { class_name: 'Adam', config: { learningRate: o.learningRate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon } } : null),
  },
  {
    classNames: ['AdamW'],
    keys: { learningRate: 'learningRate', weightDecay: 'weightDecay', beta1: 'beta1', beta2: 'beta2', epsilon: 'epsilon' },
    make: (o) => new AdamW(o),
    save: (o) => (o instanceof AdamW ? { class_name: 'AdamW', config: { learningRate: o.learningRate, weightDecay: o.weightDecay, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon } } : null),
  },
  {
    // TF.js's RMSProp calls rho `decay`; Keras's RMSprop calls it `rho`.
    classNames: ['RMSProp', 'RMSprop'],
    keys: { learningRate: 'learningRate', decay: 'rho', rho: 'rho', momentum: 'momentum', epsilon: 'epsilon', centered: 'centered' },
    make: (o) => new RMSprop(o),
    save: (o) => (o instanceof RMSprop ? { class_name: 'RMSProp', config: { learningRate: o.learningRate, decay: o.rho, momentum: o.momentum, epsilon: o.epsilon, centered: o.centered } } : null),
  },
  {
    classNames: ['Adagrad'],
    keys: { learningRate: 'learningRate', initialAccumulatorValue: 'initialAccumulatorValue', epsilon: 'epsilon' },
    make: (o) => new Adagrad(o),
    save: (o) => (o instanceof Adagrad ? { class_name: 'Adagrad', config: { learningRate: o.learningRate, initialAccumulatorValue: o.initialAccumulatorValue, epsilon: o.epsilon } } : null),
  },
];

/**
 * Keys every Keras optimizer config carries, with the values that mean "feature not used"; any
 * other value of one makes the configuration unsupported. (`name` and the EMA momentum are read
 * only together with the features they belong to.)
 */
export const OPTIMIZER_DEFAULTS: Readonly<Record<string, unknown>> = {
  weightDecay: null,
  clipnorm: null,
  clipvalue: null,
  globalClipnorm: null,
  useEma: false,
  emaOverwriteFrequency: null,
  lossScaleFactor: null,
  gradientAccumulationSteps: null,
  isLegacyOptimizer: false,
  amsgrad: false,
  decay: 0,
};
export const OPTIMIZER_FREE_KEYS: readonly string[] = ['name', 'emaMomentum', 'jitCompile'];
