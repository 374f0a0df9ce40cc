/** Activation names, their codes in the WGSL kernels, and their CPU definitions. */
import { ArgumentError } from '../errors.js';
import { describe } from '../shape.js';
import { ACTIVATIONS as ACTIVATION_NAMES, LEAKY_RELU_ALPHA, type Activation } from '../linalg.js';
import { softmaxVjpLine } from '../cpu/vjp.js';
import { ACTIVATION_CODE as POINTWISE_CODE } from '../kernels/activation.js';

/**
 * The activation names (ctx.dense's). Exported as `ActivationName`: the name `Activation` is the
 * layer class.
 */
export type ActivationName = Activation;

export const ACTIVATIONS: readonly ActivationName[] = ACTIVATION_NAMES;

/**
 * The code each kernel uses for an activation: the element-wise ones' codes (kernels/activation.ts,
 * which every GEMM and activation kernel uses), and softmax for the fused trainers
 * (shaders/train_model.wgsl).
 */
export const ACTIVATION_CODE: Record<ActivationName, number> = { ...POINTWISE_CODE, softmax: 4 };

export function parseActivation(op: string, arg: string, value: unknown): ActivationName {
  if (typeof value !== 'string' || !(ACTIVATIONS as readonly string[]).includes(value)) {
    throw new ArgumentError(op, `${arg} must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as ActivationName;
}

/** Applies `act` to each row of `z` ([rows, cols], in place), float64 arithmetic; `alpha`: leakyRelu's slope. */
export function applyActivation(act: ActivationName, z: Float32Array, cols: number, alpha = LEAKY_RELU_ALPHA): void {
  switch (act) {
    case 'leakyRelu':
      for (let i = 0; i < z.length; i++) z[i] = z[i] >= 0 ? z[i] : alpha * z[i];
      return;
    case 'linear':
      return;
    case 'sigmoid':
      for (let i = 0; i < z.length; i++) z[i] = 1 / (1 + Math.exp(-z[i]));
      return;
    case 'relu':
      for (let i = 0; i < z.length; i++) z[i] = z[i] > 0 ? z[i] : 0;
      return;
    case 'tanh':
      for (let i = 0; i < z.length; i++) z[i] = Math.tanh(z[i]);
      return;
    case 'softmax':
      for (let r = 0; r < z.length; r += cols) {
        let max = -Infinity;
        for (let c = 0; c < cols; c++) max = Math.max(max, z[r + c]);
        let sum = 0;
        for (let c = 0; c < cols; c++) sum += Math.exp(z[r + c] - max);
        for (let c = 0; c < cols; c++) z[r + c] = Math.exp(z[r + c] - max) / sum;
      }
      return;
  }
}

/**
 * Back through the activation: given its output y and dL/dy, returns dL/dz per row
 * (softmax: y * (dy - <dy, y>), cpu.softmaxVjp's line).
 */
export function activationBackward(act: ActivationName, y: Float32Array, dy: Float32Array, cols: number, alpha = LEAKY_RELU_ALPHA): Float32Array {
  const dz = new Float32Array(y.length);
  switch (act) {
    case 'leakyRelu':
      for (let i = 0; i < y.length; i++) dz[i] = y[i] > 0 ? dy[i] : alpha * dy[i];
      break;
    case 'linear':
      dz.set(dy);
      break;
    case 'sigmoid':
      for (let i = 0; i < y.length; i++) dz[i] = dy[i] * y[i] * (1 - y[i]);
      break;
    case 'relu':
      for (let i = 0; i < y.length; i++) dz[i] = y[i] > 0 ? dy[i] : 0;
      break;
    case 'tanh':
      for (let i = 0; i < y.length; i++) dz[i] = dy[i] * (1 - y[i] * y[i]);
      break;
    case 'softmax':
      for (let r = 0; r < y.length; r += cols) softmaxVjpLine(y, dy, dz, r, cols);
      break;
  }
  return dz;
}
