/**
 * The CPU reference path: every op of the library in plain TypeScript, float64 accumulation,
 * written independently of the WGSL. Each takes a Float32Array plus its shape where `ctx.*` takes
 * tensors, with the same argument order. The `cpu` backend runs these.
 */
export { softmax } from './softmax';
export { matmul } from './matmul';
export { dense, denseBackward } from './dense';
export type { CpuDenseBackwardArgs, CpuDenseGradients } from './dense';
export { logSoftmax, logSoftmaxVjp } from './logsoftmax';
export { softmaxVjp } from './vjp';
export { softmaxJacobian, softmaxJacobianFromProbs } from './jacobian';
export { softmaxCrossEntropy } from './crossentropy';
export type { CrossEntropyOptions, CrossEntropyResult, Reduction } from './crossentropy';
