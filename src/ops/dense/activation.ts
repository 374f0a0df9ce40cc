/**
 * Element-wise activations on their own (shaders/activation.wgsl): an Activation layer's forward
 * pass, and dz = dy * act'(y), the gradient of a lone activation and the dz the dense backward
 * pass writes once for its GEMMs.
 */
import activationWgsl from '../../../shaders/activation.wgsl?raw';
import type { KernelSpec } from '../../gpu/kernel.js';
import { ACTIVATION_PART, DROPOUT_PART, withParts } from '../shared/wgsl-parts.js';
import type { GpuRuntime } from '../../gpu/runtime.js';
import { wholeVec4s, type Binding } from '../../gpu/recorder.js';
import { LEAKY_RELU_ALPHA, takesParameter, type Activation } from '../../linalg.js';
import type { DropoutMask } from '../training/kernels.js';

/**
 * Element-wise activations as the kernels number them (softmax runs as its own pass). The same
 * numbers are the ACT_* constants of shaders/parts/activation.wgsl (a test compares them).
 */
export type PointwiseActivation = Exclude<Activation, 'softmax'>;
export const ACTIVATION_CODE: Record<PointwiseActivation, number> = { linear: 0, sigmoid: 1, relu: 2, tanh: 3, leakyRelu: 5, elu: 6, softplus: 7, gelu: 8, swish: 9 };

/** The codes of the activations that read the `alpha` override (takesParameter). */
export const PARAMETER_CODES: readonly number[] = (Object.keys(ACTIVATION_CODE) as PointwiseActivation[]).filter(takesParameter).map((a) => ACTIVATION_CODE[a]);

/**
 * The pipeline overrides that select activations in a kernel (`codeNames` maps each override name
 * to its activation), plus `alpha` where one of them reads it (takesParameter): other activations leave it out
 * of the pipeline key, so they share one pipeline whatever alpha is.
 */
export function activationOverrides(codeNames: Record<string, PointwiseActivation>, alpha: number): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const [name, act] of Object.entries(codeNames)) overrides[name] = ACTIVATION_CODE[act];
  if (Object.values(codeNames).some(takesParameter)) overrides.alpha = alpha;
  return overrides;
}

const ACTIVATION: KernelSpec = { name: 'activation', code: withParts(activationWgsl, ACTIVATION_PART, DROPOUT_PART), bindings: ['read', 'read', 'write'] };
const WORKGROUP = 64;

/**
 * The kernel reads and writes whole vec4s. A range binding is a tensor's range or a batch chunk
 * of one (chunks.ts): it starts aligned and, unless it is the last, covers a multiple of the
 * alignment; the last ends where the tensor does. So growing it to whole vec4s adds only padding,
 * except over the end of an app's buffer, where an input is read from a padded copy (vec4Input).
 * Outputs are the library's own buffers, padded to 16 bytes.
 */
function vec4Binding(gpu: GpuRuntime, op: string, binding: Binding, input: boolean): Binding {
  if (!('offset' in binding)) return binding;
  return input ? gpu.vec4Input(op, binding) : wholeVec4s(binding);
}

/**
 * mode 0: out = act(a); mode 1: out = b * act'(a), a the forward output (the pre-activation for
 * the activations of slopeReadsInput), b the incoming gradient. `alpha`: the activation's parameter.
 */
export function recordActivation(gpu: GpuRuntime, op: string, a: Binding, b: Binding, out: Binding, count: number, act: PointwiseActivation, mode: 0 | 1, alpha = LEAKY_RELU_ALPHA): void {
  if (count === 0) return;
  const kernel = gpu.kernel(ACTIVATION, { workgroupSize: WORKGROUP, ...activationOverrides({ act }, alpha), mode });
  // Mode 0 passes the input as both a and b: one binding (and at most one padded copy) serves both.
  const aIn = vec4Binding(gpu, op, a, true);
  const bIn = b === a ? aIn : vec4Binding(gpu, op, b, true);
  gpu.dispatch(op, kernel, [aIn, bIn, vec4Binding(gpu, op, out, false)], new Uint32Array([count]), Math.ceil(count / 4 / WORKGROUP));
}

/** out = x times Dropout's mask (shaders/activation.wgsl's mode 2): Dropout forward, and its gradient. */
export function recordDropout(gpu: GpuRuntime, op: string, x: Binding, out: Binding, count: number, m: DropoutMask): void {
  if (count === 0) return;
  const buffer = new ArrayBuffer(20);
  new Uint32Array(buffer).set([count, m.seed, m.step, m.threshold]);
  new Float32Array(buffer)[4] = m.scale;
  const kernel = gpu.kernel(ACTIVATION, { workgroupSize: WORKGROUP, mode: 2 });
  const input = vec4Binding(gpu, op, x, true);
  gpu.dispatch(op, kernel, [input, input, vec4Binding(gpu, op, out, false)], new Uint32Array(buffer), Math.ceil(count / 4 / WORKGROUP));
}
