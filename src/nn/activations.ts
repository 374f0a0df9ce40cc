/** Activation names, their codes in the WGSL kernels, and their CPU definitions. */
import { ArgumentError } from '../errors.js';
import { describe } from '../shape.js';
import { ACTIVATIONS as ACTIVATION_NAMES, type Activation } from '../linalg.js';

export { ACTIVATION_CODE, activationBackward, applyActivation } from '../ops/training/reference.js';

/**
 * The activation names (ctx.dense's). Exported as `ActivationName`: the name `Activation` is the
 * layer class.
 */
export type ActivationName = Activation;

export const ACTIVATIONS: readonly ActivationName[] = ACTIVATION_NAMES;

export function parseActivation(op: string, arg: string, value: unknown): ActivationName {
  if (typeof value !== 'string' || !(ACTIVATIONS as readonly string[]).includes(value)) {
    throw new ArgumentError(op, `${arg} must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as ActivationName;
}
