/**
 * Argument checks and shape arithmetic shared by the matmul and dense ops and their CPU
 * references, so that both backends accept the same inputs and fail with the same messages.
 */
import { checkOptions, type OptionSchema } from './options.js';
import { ArgumentError, ShapeError } from './errors.js';
import { describe, formatShape, type Shape } from './shape.js';

/**
 * Activations of a dense layer (Keras names). `softmax` is row-wise over the units; `leakyRelu` is
 * v for v >= 0, alpha * v below (alpha default LEAKY_RELU_ALPHA); `elu` is v for v >= 0,
 * alpha (exp(v) - 1) below (alpha default 1); `softplus` is log(1 + exp(v)).
 */
export type Activation = 'linear' | 'sigmoid' | 'relu' | 'tanh' | 'softmax' | 'leakyRelu' | 'elu' | 'softplus';
export const ACTIVATIONS: readonly Activation[] = ['linear', 'sigmoid', 'relu', 'tanh', 'softmax', 'leakyRelu', 'elu', 'softplus'];

/** leakyRelu's default slope for negative inputs, as Keras 3's `leaky_relu` activation and `tf.leakyRelu`. */
export const LEAKY_RELU_ALPHA = 0.2;

/** The activations that take `alpha`, with its default (Keras's): the only place that says which. */
export const ALPHA_DEFAULTS: Partial<Record<Activation, number>> = { leakyRelu: LEAKY_RELU_ALPHA, elu: 1 };

export function takesAlpha(activation: Activation): boolean {
  return ALPHA_DEFAULTS[activation] !== undefined;
}

/** An activation with its parameter: `alpha` is read by leakyRelu and elu only. */
export interface ActivationSpec {
  activation: Activation;
  alpha: number;
}

/**
 * leakyRelu's or elu's alpha (default: ALPHA_DEFAULTS'): a finite number >= 0, since the backward
 * passes read the slope off the forward output's sign.
 */
export function checkAlpha(op: string, value: unknown, arg = 'alpha', activation: Activation = 'leakyRelu'): number {
  if (value === undefined) return ALPHA_DEFAULTS[activation] ?? LEAKY_RELU_ALPHA;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ArgumentError(op, `${arg} must be a finite number >= 0, got ${describe(value)}`);
  }
  return value;
}

/** Options of `dense`: the activation and its parameter. */
export interface DenseOptions {
  /** Default 'linear'. */
  activation?: Activation;
  /** leakyRelu's slope for negative inputs (default 0.2) or elu's scale of them (default 1); only with those two. */
  alpha?: number;
}

/** The keys of dense's options object (DenseOptions). */
export const DENSE_OPTIONS: OptionSchema = { known: ['activation', 'alpha'] };

/** `dense`'s last argument: an activation name, or DenseOptions. */
export function checkDenseOptions(op: string, value: unknown): ActivationSpec {
  if (value === undefined || typeof value === 'string') {
    const activation = checkActivation(op, value ?? 'linear');
    return { activation, alpha: checkAlpha(op, undefined, 'alpha', activation) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ArgumentError(op, `activation must be an activation name or an options object { activation, alpha }, got ${describe(value)}`);
  }
  const o = checkOptions(op, value, DENSE_OPTIONS);
  return activationSpec(op, o.activation, o.alpha, 'options.');
}

/** A checked activation as `dense` and `denseBackward` take it: alpha only with an activation that takes it. */
export function activationOptions(spec: ActivationSpec): DenseOptions {
  return takesAlpha(spec.activation) ? { activation: spec.activation, alpha: spec.alpha } : { activation: spec.activation };
}

/** Checks an activation name and its alpha (given only with 'leakyRelu' or 'elu'). */
export function activationSpec(op: string, activation: unknown, alpha: unknown, prefix = ''): ActivationSpec {
  const act = checkActivation(op, activation ?? 'linear', `${prefix}activation`);
  if (alpha !== undefined && !takesAlpha(act)) {
    throw new ArgumentError(op, `${prefix}alpha is a parameter of the 'leakyRelu' and 'elu' activations, got it with '${act}'`);
  }
  return { activation: act, alpha: checkAlpha(op, alpha, `${prefix}alpha`, act) };
}

export function checkActivation(op: string, value: unknown, arg = 'activation'): Activation {
  if (typeof value !== 'string' || !(ACTIVATIONS as readonly string[]).includes(value)) {
    throw new ArgumentError(op, `${arg} must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as Activation;
}

export function checkFlag(op: string, arg: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ArgumentError(op, `${arg} must be a boolean, got ${describe(value)}`);
  return value;
}

/** Options of `matmul`. */
export interface MatmulOptions {
  /** Read `a` as its transpose: a is stored [K, M] (or [batch, K, M]). */
  transposeA?: boolean;
  /** Read `b` as its transpose: b is stored [N, K] (or [batch, N, K]). */
  transposeB?: boolean;
}

/** The keys of matmul's options object (MatmulOptions). */
export const MATMUL_OPTIONS: OptionSchema = { known: ['transposeA', 'transposeB'] };

export function checkMatmulOptions(op: string, options: unknown): { transposeA: boolean; transposeB: boolean } {
  const o = checkOptions(op, options, MATMUL_OPTIONS);
  return {
    transposeA: checkFlag(op, 'options.transposeA', o.transposeA, false),
    transposeB: checkFlag(op, 'options.transposeB', o.transposeB, false),
  };
}

/** A matmul as [batch] x [M, K] x [K, N]; an operand without a batch dimension is shared. */
export interface MatmulPlan {
  batch: number;
  m: number;
  k: number;
  n: number;
  aBatched: boolean;
  bBatched: boolean;
  outShape: number[];
}

function describeOperand(arg: string, shape: Shape, transposed: boolean): string {
  return `${arg} ${formatShape(shape)}${transposed ? ' read transposed' : ''}`;
}

export function planMatmul(op: string, aShape: Shape, bShape: Shape, transposeA: boolean, transposeB: boolean): MatmulPlan {
  for (const [arg, shape] of [['a', aShape], ['b', bShape]] as const) {
    if (shape.length !== 2 && shape.length !== 3) {
      throw new ShapeError(op, `${arg} must be 2-D [rows, cols] or 3-D [batch, rows, cols], got shape ${formatShape(shape)}`);
    }
  }
  const aBatched = aShape.length === 3;
  const bBatched = bShape.length === 3;
  const [ar, ac] = aShape.slice(-2);
  const [br, bc] = bShape.slice(-2);
  const [m, ka] = transposeA ? [ac, ar] : [ar, ac];
  const [kb, n] = transposeB ? [bc, br] : [br, bc];
  if (ka !== kb) {
    throw new ShapeError(
      op,
      `inner dimensions do not match: ${describeOperand('a', aShape, transposeA)} has ${ka} columns but ${describeOperand('b', bShape, transposeB)} has ${kb} rows`,
    );
  }
  if (aBatched && bBatched && aShape[0] !== bShape[0]) {
    throw new ShapeError(op, `batch sizes do not match: a ${formatShape(aShape)} has ${aShape[0]} but b ${formatShape(bShape)} has ${bShape[0]}`);
  }
  const batch = aBatched ? aShape[0] : bBatched ? bShape[0] : 1;
  return { batch, m, k: ka, n, aBatched, bBatched, outShape: aBatched || bBatched ? [batch, m, n] : [m, n] };
}

/** A dense layer: x [batch, inputs] x w [inputs, units] + b [units]. */
export interface DensePlan {
  batch: number;
  inputs: number;
  units: number;
}

export function planDense(op: string, xShape: Shape, wShape: Shape, bShape: Shape | null): DensePlan {
  if (xShape.length !== 2) throw new ShapeError(op, `x must be 2-D [batch, inputs], got shape ${formatShape(xShape)}`);
  if (wShape.length !== 2) throw new ShapeError(op, `w must be 2-D [inputs, units], got shape ${formatShape(wShape)}`);
  const [batch, inputs] = xShape;
  const [wInputs, units] = wShape;
  if (inputs !== wInputs) {
    throw new ShapeError(op, `inner dimensions do not match: x ${formatShape(xShape)} has ${inputs} inputs but w ${formatShape(wShape)} has ${wInputs} rows`);
  }
  if (bShape !== null && (bShape.length !== 1 || bShape[0] !== units)) {
    throw new ShapeError(op, `b ${formatShape(bShape)} must have shape [${units}]: w ${formatShape(wShape)} has ${units} units`);
  }
  return { batch, inputs, units };
}

export function planDenseBackward(op: string, xShape: Shape, wShape: Shape, yShape: Shape, dyShape: Shape): DensePlan {
  const plan = planDense(op, xShape, wShape, null);
  const expected = [plan.batch, plan.units];
  if (yShape.length !== 2 || yShape[0] !== expected[0] || yShape[1] !== expected[1]) {
    throw new ShapeError(op, `y ${formatShape(yShape)} must have shape ${formatShape(expected)} (x ${formatShape(xShape)} times w ${formatShape(wShape)})`);
  }
  if (dyShape.length !== 2 || dyShape[0] !== expected[0] || dyShape[1] !== expected[1]) {
    throw new ShapeError(op, `dy ${formatShape(dyShape)} must have the shape of y ${formatShape(yShape)}`);
  }
  return plan;
}
