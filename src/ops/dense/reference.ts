/**
 * Reference dense layer (forward and backward) in plain TypeScript, float64 accumulation,
 * written from the math (independently of the WGSL kernels).
 *
 * Forward: y = act(x w + b) for x [batch, inputs], w [inputs, units], b [units].
 * Backward, given y and dy = dL/dy: dz = dy * act'(z) (for softmax its VJP y * (dy - <dy, y>)
 * per row, by cpu.softmaxVjp's rules: a row with a NaN or infinity gets NaN), dx = dz w^T,
 * dw = x^T dz, db = column sums of dz.
 */
import { ArgumentError } from '../../errors.js';
import { checkOptions } from '../../options.js';
import { activationSpec, checkDenseOptions, checkFlag, checkSlopeSource, planDense, type Activation, type ActivationInput, type DenseOptions } from '../../linalg.js';
import { describe } from '../../shape.js';
import { checkData } from '../shared/check-data.js';
import { softmaxVjpLine } from '../rowwise/reference-vjp.js';

function sigmoid(v: number): number {
  return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
}

/**
 * erfc(u) for u >= 0 in float64: the Maclaurin series of erf below 3 (its largest term is under
 * 200, so about 1e-14 is lost to cancellation), the continued fraction of erfc from 3 up (60 terms
 * are far more than double precision needs there).
 */
function erfcNonNegative(u: number): number {
  if (u < 3) {
    let term = u;
    let sum = u;
    for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) {
      term *= (-u * u) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = u;
  for (let n = 60; n >= 1; n--) fraction = u + n / 2 / fraction;
  return Math.exp(-u * u) / (Math.sqrt(Math.PI) * fraction);
}

/** Phi(v), the standard normal CDF, through erfc on the side where it is small (no cancellation in the tail). */
export function normalCdf(v: number): number {
  const half = 0.5 * erfcNonNegative(Math.abs(v) / Math.SQRT2);
  return v >= 0 ? 1 - half : half;
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_CUBIC = 0.044715;

/** gelu's tanh form's gate: 1 + tanh(a) over 2 = sigmoid(2 a), a = sqrt(2/pi) (v + 0.044715 v^3). */
function geluTanhGate(v: number): number {
  return sigmoid(2 * SQRT_2_OVER_PI * (v + GELU_CUBIC * v * v * v));
}

/**
 * act(z) for the element-wise activations; `alpha`: leakyRelu's slope, elu's scale, gelu's form
 * (non-zero: the tanh approximation).
 */
export function activate(activation: Activation, alpha: number, v: number): number {
  switch (activation) {
    case 'leakyRelu':
      return v >= 0 ? v : alpha * v;
    case 'elu':
      return v >= 0 ? v : alpha * Math.expm1(v);
    case 'softplus':
      return Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)));
    case 'gelu':
      return v * (alpha !== 0 ? geluTanhGate(v) : normalCdf(v));
    case 'swish':
      return v * sigmoid(v);
    case 'sigmoid':
      return sigmoid(v);
    case 'relu':
      return v > 0 ? v : 0;
    case 'tanh':
      return Math.tanh(v);
    default:
      return v;
  }
}

/**
 * act'(z) expressed through y = act(z), which is what the backward pass has: elu's alpha exp(z)
 * is y + alpha below 0, softplus' sigmoid(z) is 1 - exp(-y). gelu and swish are not monotonic:
 * for them (slopeReadsInput) `y` is the pre-activation z.
 */
export function slopeFromOutput(activation: Activation, alpha: number, y: number): number {
  switch (activation) {
    case 'gelu': {
      if (alpha === 0) return normalCdf(y) + (y * Math.exp(-0.5 * y * y)) / Math.sqrt(2 * Math.PI);
      const s = geluTanhGate(y);
      return s + y * s * (1 - s) * 2 * SQRT_2_OVER_PI * (1 + 3 * GELU_CUBIC * y * y);
    }
    case 'swish': {
      const s = sigmoid(y);
      return s + y * s * (1 - s);
    }
    case 'leakyRelu':
      return y > 0 ? 1 : alpha;
    case 'elu':
      return y > 0 ? 1 : y + alpha;
    case 'softplus':
      return -Math.expm1(-y);
    case 'sigmoid':
      return y * (1 - y);
    case 'relu':
      return y > 0 ? 1 : 0;
    case 'tanh':
      return 1 - y * y;
    default:
      return 1;
  }
}

/**
 * act(x w + b) with x [batch, inputs], w [inputs, units] and an optional bias b of length
 * `units` (a 1-D array: its shape is its length). Returns y [batch, units].
 *
 * @example
 * cpu.dense(new Float32Array([1, 2]), [1, 2], new Float32Array([3, 4]), [2, 1], new Float32Array([0.5]), 'relu'); // [11.5]
 */
export function dense(
  x: Float32Array,
  xShape: number[],
  w: Float32Array,
  wShape: number[],
  b?: Float32Array | null,
  activation: ActivationInput | DenseOptions = 'linear',
): Float32Array {
  const op = 'cpu.dense';
  checkData(op, 'x', x, xShape);
  checkData(op, 'w', w, wShape);
  if (b !== undefined && b !== null) checkData(op, 'b', b, [b.length]);
  const { activation: act, alpha } = checkDenseOptions(op, activation);
  const { batch, inputs, units } = planDense(op, xShape, wShape, b ? [b.length] : null);
  const out = new Float32Array(batch * units);
  const z = new Float64Array(units);
  for (let r = 0; r < batch; r++) {
    for (let j = 0; j < units; j++) z[j] = b ? b[j] : 0;
    for (let p = 0; p < inputs; p++) {
      const xv = x[r * inputs + p];
      const wRow = p * units;
      for (let j = 0; j < units; j++) z[j] += xv * w[wRow + j];
    }
    if (act === 'softmax') {
      let max = -Infinity;
      for (let j = 0; j < units; j++) max = Math.max(max, z[j]);
      let sum = 0;
      for (let j = 0; j < units; j++) sum += Math.exp(z[j] - max);
      for (let j = 0; j < units; j++) out[r * units + j] = Math.exp(z[j] - max) / sum;
    } else {
      for (let j = 0; j < units; j++) out[r * units + j] = activate(act, alpha, z[j]);
    }
  }
  return out;
}

/** Arguments of `denseBackward` on the CPU: data plus the shapes of x and w (y and dy are [batch, units]). */
export interface CpuDenseBackwardArgs {
  x: Float32Array;
  xShape: number[];
  w: Float32Array;
  wShape: number[];
  /** The forward output act(x w + b). */
  y: Float32Array;
  /** dL/dy, same shape as y. */
  dy: Float32Array;
  activation?: ActivationInput;
  /** leakyRelu's slope for negative inputs (default 0.2) or elu's scale; only with 'leakyRelu' or 'elu'. */
  alpha?: number;
  /** gelu's tanh approximation (default false); only with 'gelu'. */
  approximate?: boolean;
  /** The pre-activation x w + b: required with 'gelu' and 'swish', whose slope y does not determine. */
  z?: Float32Array;
  /** Whether the layer has a bias; db is null when false. Default true. */
  hasBias?: boolean;
}

export interface CpuDenseGradients {
  dx: Float32Array;
  dw: Float32Array;
  db: Float32Array | null;
}

/**
 * Gradients of a dense layer given its forward output y and dy = dL/dy.
 *
 * @example
 * const g = cpu.denseBackward({ x, xShape: [4, 2], w, wShape: [2, 1], y, dy, activation: 'sigmoid' });
 * g.dw; // [2, 1]
 */
const CPU_DENSE_BACKWARD_ARGS = { known: ['x', 'xShape', 'w', 'wShape', 'y', 'dy', 'z', 'activation', 'alpha', 'approximate', 'hasBias'] };

export function denseBackward(args: CpuDenseBackwardArgs): CpuDenseGradients {
  const op = 'cpu.denseBackward';
  if (args === null || typeof args !== 'object') throw new ArgumentError(op, `arguments must be an object, got ${describe(args)}`);
  checkOptions(op, args, CPU_DENSE_BACKWARD_ARGS, 'arguments');
  const { x, xShape, w, wShape, y, dy } = args;
  checkData(op, 'x', x, xShape);
  checkData(op, 'w', w, wShape);
  const { activation: act, alpha } = activationSpec(op, args.activation, args.alpha, '', args.approximate);
  const hasBias = checkFlag(op, 'hasBias', args.hasBias, true);
  const { batch, inputs, units } = planDense(op, xShape, wShape, null);
  checkData(op, 'y', y, [batch, units]);
  checkData(op, 'dy', dy, [batch, units]);
  const slopeAt = checkSlopeSource(op, act, y, args.z);
  if (args.z !== undefined) checkData(op, 'z', args.z, [batch, units]);

  const dz = new Float64Array(batch * units);
  for (let r = 0; r < batch; r++) {
    const at = r * units;
    if (act === 'softmax') {
      softmaxVjpLine(y, dy, dz, at, units);
    } else {
      for (let j = 0; j < units; j++) dz[at + j] = dy[at + j] * slopeFromOutput(act, alpha, slopeAt[at + j]);
    }
  }

  const dx = new Float32Array(batch * inputs);
  for (let r = 0; r < batch; r++) {
    for (let i = 0; i < inputs; i++) {
      let sum = 0;
      for (let j = 0; j < units; j++) sum += dz[r * units + j] * w[i * units + j];
      dx[r * inputs + i] = sum;
    }
  }
  const dwSum = new Float64Array(inputs * units);
  for (let r = 0; r < batch; r++) {
    for (let i = 0; i < inputs; i++) {
      const xv = x[r * inputs + i];
      for (let j = 0; j < units; j++) dwSum[i * units + j] += xv * dz[r * units + j];
    }
  }
  let db: Float32Array | null = null;
  if (hasBias) {
    const sum = new Float64Array(units);
    for (let r = 0; r < batch; r++) for (let j = 0; j < units; j++) sum[j] += dz[r * units + j];
    db = Float32Array.from(sum);
  }
  return { dx, dw: Float32Array.from(dwSum), db };
}
