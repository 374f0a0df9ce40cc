/** Activation names, their codes in the WGSL kernels, and their CPU definitions. */
import { ACTIVATIONS as ACTIVATION_NAMES, checkActivation, type Activation } from '../linalg.js';

export { ACTIVATION_CODE, activationBackward, applyActivation } from '../ops/training/reference.js';

/**
 * The activation names (ctx.dense's). Exported as `ActivationName`: the name `Activation` is the
 * layer class.
 */
export type ActivationName = Activation;

export const ACTIVATIONS: readonly ActivationName[] = ACTIVATION_NAMES;

/** An activation name or alias ('silu'), as the activation it names. */
export function parseActivation(op: string, arg: string, value: unknown): ActivationName {
  return checkActivation(op, value, arg);
}
