/**
 * webgpu-nn/core: the lean entry. `createContext` returns a context without op methods, and every
 * op is a function taking the context, so that a bundle carries only the ops it imports.
 *
 * @example
 * import { createContext, softmax } from 'webgpu-nn/core';
 * const ctx = await createContext();
 * const p = softmax(ctx, ctx.tensor([[1, 2, 3]]));
 * console.log(await p.read());
 */
export { createCoreContext as createContext, CoreContext } from './core-context.js';
export type { ContextOptions, TensorInput, MemoryInfo, BackendName } from './core-context.js';
export type { Tensor, DType, TensorData, DataOf, NestedArray, GpuBufferView } from './tensor.js';
export type { FromGpuBufferOptions } from './gpu-interop.js';
export type { AdapterInfo } from './gpu/device.js';
export type { AutotuneOptions, AutotuneResult, TuningStorage } from './autotune/autotuner.js';
export { softmax } from './ops/softmax/definition.js';
export { matmul } from './ops/matmul/definition.js';
export type { MatmulOptions } from './linalg.js';
export { dense, denseBackward } from './ops/dense/definition.js';
export type { DenseBackwardArgs, DenseGradients } from './ops/dense/definition.js';
export { logSoftmax, softmaxVjp, logSoftmaxVjp } from './ops/rowwise/definition.js';
export { softmaxJacobian, softmaxJacobianFromProbs } from './ops/jacobian/definition.js';
export { softmaxCrossEntropy } from './ops/crossentropy/definition.js';
export type { CrossEntropyOptions, CrossEntropyResult, Reduction } from './ops/crossentropy/reference.js';
export * from './errors.js';
