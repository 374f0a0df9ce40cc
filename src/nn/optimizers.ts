/**
 * Optimizers with Keras's defaults and update rules (Keras 3), for a parameter p with gradient g
 * (the mean over the batch):
 * - SGD, momentum 0:  p -= lr g
 * - SGD, momentum m:  v = m v - lr g;  p += v            (nesterov: p += m v - lr g)
 * - Adam, step t = 1, 2, ...:  a = lr sqrt(1 - b2^t) / (1 - b1^t);
 *     m += (g - m)(1 - b1);  v += (g^2 - v)(1 - b2);  p -= a m / (sqrt(v) + eps)
 * - AdamW: p -= p lr weightDecay, then Adam's step
 * - RMSprop:  s = rho s + (1 - rho) g^2;  d = s + eps (centered: mg = rho mg + (1 - rho) g,
 *     d = s - mg^2 + eps);  v = momentum v + lr g / sqrt(d);  p -= v
 * - Adagrad:  s += g^2 (s starts at initialAccumulatorValue);  p -= lr g / sqrt(s + eps)
 *
 * The learning rate is settable (`optimizer.learningRate = 0.01`) between and during fits: each
 * step reads it through `learningRate` when the step is recorded.
 */
import { ArgumentError } from '../errors.js';
import { describe } from '../shape.js';
import { checkOptions, type OptionSchema } from '../options.js';
import { ADAGRAD_CONFIG, ADAMW_CONFIG, ADAM_CONFIG, RMSPROP_CONFIG, SGD_CONFIG } from './options.js';
import { OptimizerCode, type StepParams } from '../ops/training/reference.js';

export { OptimizerCode, applyUpdate, type StepParams } from '../ops/training/reference.js';

export interface SGDConfig {
  /** Default 0.01. */
  learningRate?: number;
  /** Default 0. */
  momentum?: number;
  /** Default false. */
  nesterov?: boolean;
}

export interface AdamConfig {
  /** Default 0.001. */
  learningRate?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

export interface AdamWConfig extends AdamConfig {
  /** Default 0.004. */
  weightDecay?: number;
}

export interface RMSpropConfig {
  /** Default 0.001. */
  learningRate?: number;
  /** Default 0.9. */
  rho?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 1e-7. */
  epsilon?: number;
  /** Default false. */
  centered?: boolean;
}

export interface AdagradConfig {
  /** Default 0.001. */
  learningRate?: number;
  /** Default 0.1. */
  initialAccumulatorValue?: number;
  /** Default 1e-7. */
  epsilon?: number;
}

function positiveFinite(op: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ArgumentError(op, `${arg} must be a positive finite number, got ${describe(value)}`);
  }
  return value;
}

function nonNegativeFinite(op: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ArgumentError(op, `${arg} must be a finite number >= 0, got ${describe(value)}`);
  }
  return value;
}

function fraction(op: string, arg: string, value: unknown, allowZero: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1 || (!allowZero && value === 0)) {
    throw new ArgumentError(op, `${arg} must be a number in ${allowZero ? '[0, 1)' : '(0, 1)'}, got ${describe(value)}`);
  }
  return value;
}

function flag(op: string, arg: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ArgumentError(op, `${arg} must be a boolean, got ${describe(value)}`);
  return value;
}

/** What every optimizer shares: its checked config and its learning rate, checked on every assignment. */
abstract class LearningRate {
  private rate: number;

  /** Checks `config` against the optimizer's schema and takes its learning rate (or the default). */
  protected constructor(
    protected readonly op: string,
    config: unknown,
    schema: OptionSchema,
    defaultRate: number,
  ) {
    if (config === null || typeof config !== 'object') throw new ArgumentError(op, `config must be an object, got ${describe(config)}`);
    checkOptions(op, config, schema);
    this.rate = positiveFinite(op, 'learningRate', (config as { learningRate?: unknown }).learningRate ?? defaultRate);
  }

  /** Optimizer state values per parameter (state slots 1 to `slots` of the model's optimizer state). */
  abstract get slots(): number;

  /** Settable between and during fits: each training step reads it when it is recorded. */
  get learningRate(): number {
    return this.rate;
  }

  set learningRate(value: number) {
    this.rate = positiveFinite(`${this.op}.learningRate`, 'learningRate', value);
  }
}

/**
 * Stochastic gradient descent, optionally with (Nesterov) momentum.
 *
 * @example
 * model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.1 }) });
 */
export class SGD extends LearningRate {
  readonly className = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(config: SGDConfig = {}) {
    super('SGD', config, SGD_CONFIG, 0.01);
    this.momentum = fraction(this.op, 'momentum', config.momentum ?? 0, true);
    this.nesterov = flag(this.op, 'nesterov', config.nesterov, false);
  }

  /** The velocity, when there is momentum. */
  get slots(): number {
    return this.momentum === 0 ? 0 : 1;
  }

  getConfig(): Required<SGDConfig> {
    return { learningRate: this.learningRate, momentum: this.momentum, nesterov: this.nesterov };
  }
}

/**
 * Adam.
 *
 * @example
 * model.compile({ loss: 'categoricalCrossentropy', optimizer: new Adam({ learningRate: 1e-3 }) });
 */
export class Adam extends LearningRate {
  readonly className: 'Adam' | 'AdamW' = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(config: AdamConfig = {}, op = 'Adam', schema: OptionSchema = ADAM_CONFIG) {
    super(op, config, schema, 0.001);
    this.beta1 = fraction(op, 'beta1', config.beta1 ?? 0.9, true);
    this.beta2 = fraction(op, 'beta2', config.beta2 ?? 0.999, true);
    this.epsilon = positiveFinite(op, 'epsilon', config.epsilon ?? 1e-7);
  }

  /** The first and second moments. */
  get slots(): number {
    return 2;
  }

  getConfig(): Required<AdamConfig> {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

/**
 * Adam with decoupled weight decay: every step first shrinks each weight by
 * learningRate * weightDecay of itself.
 *
 * @example
 * model.compile({ loss: 'mse', optimizer: new AdamW({ learningRate: 1e-3, weightDecay: 0.01 }) });
 */
export class AdamW extends Adam {
  override readonly className = 'AdamW';
  readonly weightDecay: number;

  constructor(config: AdamWConfig = {}) {
    super(config, 'AdamW', ADAMW_CONFIG);
    this.weightDecay = nonNegativeFinite('AdamW', 'weightDecay', config.weightDecay ?? 0.004);
  }

  override getConfig(): Required<AdamWConfig> {
    return { ...super.getConfig(), weightDecay: this.weightDecay };
  }
}

/**
 * RMSprop, optionally centered and with momentum.
 *
 * @example
 * model.compile({ loss: 'mse', optimizer: new RMSprop({ learningRate: 1e-3 }) });
 */
export class RMSprop extends LearningRate {
  readonly className = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(config: RMSpropConfig = {}) {
    super('RMSprop', config, RMSPROP_CONFIG, 0.001);
    this.rho = fraction(this.op, 'rho', config.rho ?? 0.9, true);
    this.momentum = fraction(this.op, 'momentum', config.momentum ?? 0, true);
    this.epsilon = positiveFinite(this.op, 'epsilon', config.epsilon ?? 1e-7);
    this.centered = flag(this.op, 'centered', config.centered, false);
  }

  /** The mean square and the velocity, and the mean gradient when centered. */
  get slots(): number {
    return this.centered ? 3 : 2;
  }

  getConfig(): Required<RMSpropConfig> {
    return { learningRate: this.learningRate, rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

/**
 * Adagrad.
 *
 * @example
 * model.compile({ loss: 'mse', optimizer: new Adagrad({ learningRate: 0.01 }) });
 */
export class Adagrad extends LearningRate {
  readonly className = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(config: AdagradConfig = {}) {
    super('Adagrad', config, ADAGRAD_CONFIG, 0.001);
    this.initialAccumulatorValue = nonNegativeFinite(this.op, 'initialAccumulatorValue', config.initialAccumulatorValue ?? 0.1);
    this.epsilon = positiveFinite(this.op, 'epsilon', config.epsilon ?? 1e-7);
  }

  /** The accumulator. */
  get slots(): number {
    return 1;
  }

  getConfig(): Required<AdagradConfig> {
    return { learningRate: this.learningRate, initialAccumulatorValue: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

export type Optimizer = SGD | Adam | AdamW | RMSprop | Adagrad;

/** The string names compile accepts, Keras's. */
const OPTIMIZER_NAMES: Record<string, () => Optimizer> = {
  sgd: () => new SGD(),
  adam: () => new Adam(),
  adamw: () => new AdamW(),
  rmsprop: () => new RMSprop(),
  adagrad: () => new Adagrad(),
};

export function parseOptimizer(op: string, value: unknown): Optimizer {
  if (typeof value === 'string' && Object.hasOwn(OPTIMIZER_NAMES, value)) return OPTIMIZER_NAMES[value]();
  if (value instanceof SGD || value instanceof Adam || value instanceof RMSprop || value instanceof Adagrad) return value;
  throw new ArgumentError(
    op,
    `optimizer must be one of ${Object.keys(OPTIMIZER_NAMES).map((n) => `'${n}'`).join(', ')} or an optimizer object (new SGD({...}), Adam, AdamW, RMSprop, Adagrad), got ${describe(value)}`,
  );
}

export function optimizerCode(o: Optimizer): OptimizerCode {
  if (o instanceof AdamW) return OptimizerCode.AdamW;
  if (o instanceof Adam) return OptimizerCode.Adam;
  if (o instanceof RMSprop) return o.centered ? OptimizerCode.RMSpropCentered : OptimizerCode.RMSprop;
  if (o instanceof Adagrad) return OptimizerCode.Adagrad;
  if (o.momentum === 0) return OptimizerCode.SGD;
  return o.nesterov ? OptimizerCode.Nesterov : OptimizerCode.Momentum;
}

/** Whether the rate changes from step to step at a fixed learning rate (Adam's and AdamW's bias correction). */
export function ratePerStep(o: Optimizer): boolean {
  return o instanceof Adam;
}

/** The value every state slot 1 starts at (Adagrad's accumulator; 0 for the others). */
export function initialSlotValue(o: Optimizer): number {
  return o instanceof Adagrad ? o.initialAccumulatorValue : 0;
}

/**
 * Step `step`'s update (steps count from 1) at `learningRate` (default: the optimizer's rate as it
 * is now; a schedule passes the epoch's rate). Adam's and AdamW's bias correction is folded into
 * `rate`, so every optimizer's per-step rate is one number the fused trainers upload per step.
 */
export function stepParams(o: Optimizer, step: number, learningRate = o.learningRate): StepParams {
  const code = optimizerCode(o);
  const lr = learningRate;
  const none = { momentum: 0, beta1: 0, beta2: 0, epsilon: 0, rho: 0, decay: 0 };
  if (o instanceof Adam) {
    const rate = (lr * Math.sqrt(1 - Math.pow(o.beta2, step))) / (1 - Math.pow(o.beta1, step));
    return { ...none, code, rate, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon, decay: o instanceof AdamW ? lr * o.weightDecay : 0 };
  }
  if (o instanceof RMSprop) return { ...none, code, rate: lr, momentum: o.momentum, epsilon: o.epsilon, rho: o.rho };
  if (o instanceof Adagrad) return { ...none, code, rate: lr, epsilon: o.epsilon };
  return { ...none, code, rate: lr, momentum: o.momentum };
}
