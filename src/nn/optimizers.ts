/**
 * Optimizers with Keras's defaults and update rules (Keras 3 `SGD` and `Adam`), for a parameter
 * p with gradient g (the mean over the batch):
 * - SGD, momentum 0:  p -= lr g
 * - SGD, momentum m:  v = m v - lr g;  p += v            (nesterov: p += m v - lr g)
 * - Adam, step t = 1, 2, ...:  a = lr sqrt(1 - b2^t) / (1 - b1^t);
 *     m += (g - m)(1 - b1);  v += (g^2 - v)(1 - b2);  p -= a m / (sqrt(v) + eps)
 */
import { ArgumentError } from '../errors.js';
import { describe } from '../shape.js';
import { checkOptions } from '../options.js';
import { ADAM_CONFIG, SGD_CONFIG } from './options.js';
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

function positiveFinite(op: string, arg: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ArgumentError(op, `${arg} must be a positive finite number, got ${describe(value)}`);
  }
  return value;
}

function fraction(op: string, arg: string, value: unknown, allowZero: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1 || (!allowZero && value === 0)) {
    throw new ArgumentError(op, `${arg} must be a number in ${allowZero ? '[0, 1)' : '(0, 1)'}, got ${describe(value)}`);
  }
  return value;
}

function checkObject(op: string, config: unknown): void {
  if (config === null || typeof config !== 'object') throw new ArgumentError(op, `config must be an object, got ${describe(config)}`);
}

/**
 * Stochastic gradient descent, optionally with (Nesterov) momentum.
 *
 * @example
 * model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.1 }) });
 */
export class SGD {
  readonly className = 'SGD';
  /** Settable between steps (a callback's schedule); see LearningRateScheduler. */
  learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(config: SGDConfig = {}) {
    const op = 'SGD';
    checkObject(op, config);
    checkOptions(op, config, SGD_CONFIG);
    this.learningRate = positiveFinite(op, 'learningRate', config.learningRate ?? 0.01);
    this.momentum = fraction(op, 'momentum', config.momentum ?? 0, true);
    if (config.nesterov !== undefined && typeof config.nesterov !== 'boolean') throw new ArgumentError(op, `nesterov must be a boolean, got ${describe(config.nesterov)}`);
    this.nesterov = config.nesterov ?? false;
  }

  /** Optimizer state values per parameter (the velocity, when there is momentum). */
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
export class Adam {
  readonly className = 'Adam';
  /** Settable between steps (a callback's schedule); see LearningRateScheduler. */
  learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(config: AdamConfig = {}) {
    const op = 'Adam';
    checkObject(op, config);
    checkOptions(op, config, ADAM_CONFIG);
    this.learningRate = positiveFinite(op, 'learningRate', config.learningRate ?? 0.001);
    this.beta1 = fraction(op, 'beta1', config.beta1 ?? 0.9, true);
    this.beta2 = fraction(op, 'beta2', config.beta2 ?? 0.999, true);
    this.epsilon = positiveFinite(op, 'epsilon', config.epsilon ?? 1e-7);
  }

  get slots(): number {
    return 2;
  }

  getConfig(): Required<AdamConfig> {
    return { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
  }
}

export type Optimizer = SGD | Adam;

export function parseOptimizer(op: string, value: unknown): Optimizer {
  if (value === 'sgd') return new SGD();
  if (value === 'adam') return new Adam();
  if (value instanceof SGD || value instanceof Adam) return value;
  throw new ArgumentError(op, `optimizer must be 'sgd', 'adam', new SGD({...}) or new Adam({...}), got ${describe(value)}`);
}

/** The optimizer's learning rate, checked (callbacks may set it to anything). */
export function learningRateOf(op: string, o: Optimizer): number {
  return positiveFinite(op, 'optimizer.learningRate', o.learningRate);
}

export function optimizerCode(o: Optimizer): OptimizerCode {
  if (o instanceof Adam) return OptimizerCode.Adam;
  if (o.momentum === 0) return OptimizerCode.SGD;
  return o.nesterov ? OptimizerCode.Nesterov : OptimizerCode.Momentum;
}

/** The update of step `step` (1-based) at learning rate `learningRate` (default: the optimizer's own). */
export function stepParams(o: Optimizer, step: number, learningRate = o.learningRate): StepParams {
  if (o instanceof Adam) {
    const rate = (learningRate * Math.sqrt(1 - Math.pow(o.beta2, step))) / (1 - Math.pow(o.beta1, step));
    return { code: OptimizerCode.Adam, rate, momentum: 0, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon };
  }
  return { code: optimizerCode(o), rate: learningRate, momentum: o.momentum, beta1: 0, beta2: 0, epsilon: 0 };
}
