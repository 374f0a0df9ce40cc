/**
 * The CPU reference path: every op of the library in plain TypeScript, float64 accumulation,
 * written independently of the WGSL. Each takes a Float32Array plus its shape where `ctx.*` takes
 * tensors, with the same argument order. The `cpu` backend runs these.
 */
export { softmax } from '../ops/softmax/reference.js';
export { matmul } from '../ops/matmul/reference.js';
export { dense, denseBackward } from '../ops/dense/reference.js';
export type { CpuDenseBackwardArgs, CpuDenseGradients } from '../ops/dense/reference.js';
export { logSoftmax, logSoftmaxVjp } from '../ops/rowwise/reference-log-softmax.js';
export { softmaxVjp } from '../ops/rowwise/reference-vjp.js';
export { softmaxJacobian, softmaxJacobianFromProbs } from '../ops/jacobian/reference.js';
export { softmaxCrossEntropy } from '../ops/crossentropy/reference.js';
export type { CrossEntropyOptions, CrossEntropyResult, Reduction } from '../ops/crossentropy/reference.js';
