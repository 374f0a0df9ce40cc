/**
 * The CPU reference path: every op of the library in plain TypeScript, float64 accumulation,
 * written independently of the WGSL. Each takes a Float32Array plus its shape where `ctx.*` takes
 * tensors, with the same argument order. The `cpu` backend runs these.
 */
export { softmax } from './softmax.js';
export { matmul } from './matmul.js';
export { dense, denseBackward } from './dense.js';
export type { CpuDenseBackwardArgs, CpuDenseGradients } from './dense.js';
export { logSoftmax, logSoftmaxVjp } from './logsoftmax.js';
export { softmaxVjp } from './vjp.js';
export { softmaxJacobian, softmaxJacobianFromProbs } from './jacobian.js';
export { softmaxCrossEntropy } from './crossentropy.js';
export type { CrossEntropyOptions, CrossEntropyResult, Reduction } from './crossentropy.js';
