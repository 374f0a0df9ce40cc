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
 * alpha (exp(v) - 1) below (alpha default 1); `softplus` is log(1 + exp(v)); `gelu` is
 * v Phi(v), Phi the standard normal CDF (exact through erf, or its tanh approximation with
 * `approximate: true`); `swish` (also named `silu`) is v sigmoid(v).
 */
export type Activation = 'linear' | 'sigmoid' | 'relu' | 'tanh' | 'softmax' | 'leakyRelu' | 'elu' | 'softplus' | 'gelu' | 'swish';
export const ACTIVATIONS: readonly Activation[] = ['linear', 'sigmoid', 'relu', 'tanh', 'softmax', 'leakyRelu', 'elu', 'softplus', 'gelu', 'swish'];
/** Other names an activation is given by, and the activation they stand for. */
export const ACTIVATION_ALIASES: Readonly<Record<string, Activation>> = { silu: 'swish' };
/** An activation as the API takes it: a name of ACTIVATIONS or an alias. */
export type ActivationInput = Activation | 'silu';

/**
 * The activations whose derivative the backward passes read off the pre-activation z = x w + b
 * instead of the output y: they are not monotonic, so y does not determine z.
 */
export function slopeReadsInput(activation: Activation): boolean {
  return activation === 'gelu' || activation === 'swish';
}

/** leakyRelu's default slope for negative inputs, as Keras 3's `leaky_relu` activation and `tf.leakyRelu`. */
export const LEAKY_RELU_ALPHA = 0.2;

/** The activations that take `alpha`, with its default (Keras's): the only place that says which. */
export const ALPHA_DEFAULTS: Partial<Record<Activation, number>> = { leakyRelu: LEAKY_RELU_ALPHA, elu: 1 };

export function takesAlpha(activation: Activation): boolean {
  return ALPHA_DEFAULTS[activation] !== undefined;
}

/**
 * Whether the kernels read the activation's parameter (the `alpha` override): leakyRelu's and
 * elu's alpha, and gelu's form (GELU_TANH or GELU_EXACT).
 */
export function takesParameter(activation: Activation): boolean {
  return takesAlpha(activation) || activation === 'gelu';
}

/**
 * What a dense backward pass reads act'(z) off: y, or the pre-activation `z` for the activations
 * of slopeReadsInput (required for them; refused for the others, where it would go unread).
 */
export function checkSlopeSource<T>(op: string, activation: Activation, y: T, z: T | undefined): T {
  if (slopeReadsInput(activation)) {
    if (z === undefined) throw new ArgumentError(op, `z (the pre-activation x w + b) is required with activation '${activation}': its slope is not a function of y`);
    return z;
  }
  if (z !== undefined) throw new ArgumentError(op, `z is read only with the 'gelu' and 'swish' activations, got it with '${activation}'`);
  return y;
}

/** gelu's parameter value: the tanh approximation (`approximate: true`), or the exact form through erf. */
export const GELU_TANH = 1;
export const GELU_EXACT = 0;

/**
 * An activation with its parameter: `alpha` is leakyRelu's slope, elu's scale, or gelu's form
 * (GELU_TANH or GELU_EXACT, from the `approximate` option); other activations ignore it.
 */
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
  activation?: ActivationInput;
  /** leakyRelu's slope for negative inputs (default 0.2) or elu's scale of them (default 1); only with those two. */
  alpha?: number;
  /** gelu's tanh approximation instead of the exact form (default false); only with 'gelu'. */
  approximate?: boolean;
}

/** The keys of dense's options object (DenseOptions). */
export const DENSE_OPTIONS: OptionSchema = { known: ['activation', 'alpha', 'approximate'] };

/** `dense`'s last argument: an activation name, or DenseOptions. */
export function checkDenseOptions(op: string, value: unknown): ActivationSpec {
  if (value === undefined || typeof value === 'string') {
    return activationSpec(op, value, undefined);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ArgumentError(op, `activation must be an activation name or an options object { activation, alpha, approximate }, got ${describe(value)}`);
  }
  const o = checkOptions(op, value, DENSE_OPTIONS);
  return activationSpec(op, o.activation, o.alpha, 'options.', o.approximate);
}

/** A checked activation as `dense` and `denseBackward` take it: alpha or approximate only with an activation that takes it. */
export function activationOptions(spec: ActivationSpec): DenseOptions {
  if (spec.activation === 'gelu') return { activation: 'gelu', approximate: spec.alpha === GELU_TANH };
  return takesAlpha(spec.activation) ? { activation: spec.activation, alpha: spec.alpha } : { activation: spec.activation };
}

/** Checks an activation name, its alpha (given only with 'leakyRelu' or 'elu') and approximate (only with 'gelu'). */
export function activationSpec(op: string, activation: unknown, alpha: unknown, prefix = '', approximate?: unknown): ActivationSpec {
  const act = checkActivation(op, activation ?? 'linear', `${prefix}activation`);
  if (alpha !== undefined && !takesAlpha(act)) {
    throw new ArgumentError(op, `${prefix}alpha is a parameter of the 'leakyRelu' and 'elu' activations, got it with '${act}'`);
  }
  if (approximate !== undefined && act !== 'gelu') {
    throw new ArgumentError(op, `${prefix}approximate is a parameter of the 'gelu' activation, got it with '${act}'`);
  }
  if (act === 'gelu') return { activation: act, alpha: checkFlag(op, `${prefix}approximate`, approximate, false) ? GELU_TANH : GELU_EXACT };
  return { activation: act, alpha: checkAlpha(op, alpha, `${prefix}alpha`, act) };
}

/** An activation name or alias (ACTIVATION_ALIASES), as the activation it names. */
export function checkActivation(op: string, value: unknown, arg = 'activation'): Activation {
  if (typeof value === 'string' && Object.hasOwn(ACTIVATION_ALIASES, value)) return ACTIVATION_ALIASES[value];
  if (typeof value !== 'string' || !(ACTIVATIONS as readonly string[]).includes(value)) {
    const names = [...ACTIVATIONS, ...Object.keys(ACTIVATION_ALIASES)];
    throw new ArgumentError(op, `${arg} must be one of ${names.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
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
