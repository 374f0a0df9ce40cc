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
  readonly learningRate: number;
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(config: SGDConfig = {}) {
    const op = 'SGD';
    checkObject(op, config);
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
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(config: AdamConfig = {}) {
    const op = 'Adam';
    checkObject(op, config);
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

/** The codes the kernels use. */
export const OptimizerCode = {
  SGD: 0,
  Momentum: 1,
  Nesterov: 2,
  Adam: 3,
} as const;
export type OptimizerCode = (typeof OptimizerCode)[keyof typeof OptimizerCode];

export function optimizerCode(o: Optimizer): OptimizerCode {
  if (o instanceof Adam) return OptimizerCode.Adam;
  if (o.momentum === 0) return OptimizerCode.SGD;
  return o.nesterov ? OptimizerCode.Nesterov : OptimizerCode.Momentum;
}

/**
 * The parameters of one update step as the kernels take them: `rate` is lr for SGD and Adam's
 * a = lr sqrt(1 - b2^t) / (1 - b1^t) for step t (computed here in float64, so that every backend
 * and path uses the same value).
 */
export interface StepParams {
  code: OptimizerCode;
  rate: number;
  momentum: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

export function stepParams(o: Optimizer, step: number): StepParams {
  if (o instanceof Adam) {
    const rate = (o.learningRate * Math.sqrt(1 - Math.pow(o.beta2, step))) / (1 - Math.pow(o.beta1, step));
    return { code: OptimizerCode.Adam, rate, momentum: 0, beta1: o.beta1, beta2: o.beta2, epsilon: o.epsilon };
  }
  return { code: optimizerCode(o), rate: o.learningRate, momentum: o.momentum, beta1: 0, beta2: 0, epsilon: 0 };
}

/**
 * The update of `count` parameters in float64 (the CPU backend's optimizer). `grads` are batch
 * sums; `gradScale` (1 / batch size) turns them into means. State slots follow the parameters.
 */
export function applyUpdate(
  s: StepParams,
  params: Float32Array,
  grads: Float32Array,
  gradScale: number,
  slot1: Float32Array,
  slot2: Float32Array,
): void {
  for (let i = 0; i < params.length; i++) {
    const g = grads[i] * gradScale;
    switch (s.code) {
      case OptimizerCode.SGD:
        params[i] = params[i] - s.rate * g;
        break;
      case OptimizerCode.Momentum:
        slot1[i] = s.momentum * slot1[i] - s.rate * g;
        params[i] = params[i] + slot1[i];
        break;
      case OptimizerCode.Nesterov:
        slot1[i] = s.momentum * slot1[i] - s.rate * g;
        params[i] = params[i] + s.momentum * slot1[i] - s.rate * g;
        break;
      case OptimizerCode.Adam:
        slot1[i] = slot1[i] + (g - slot1[i]) * (1 - s.beta1);
        slot2[i] = slot2[i] + (g * g - slot2[i]) * (1 - s.beta2);
        params[i] = params[i] - (s.rate * slot1[i]) / (Math.sqrt(slot2[i]) + s.epsilon);
        break;
    }
  }
}
