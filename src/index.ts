/** webgpu-nn: batched softmax, its derivatives and dense layers on WebGPU, with a CPU reference. */
export { createContext } from './context.js';
export type { Context } from './context.js';
export type { ContextOptions, TensorInput, MemoryInfo, BackendName } from './context.js';
export type { Tensor, DType, TensorData, DataOf } from './tensor.js';
export type { AdapterInfo } from './gpu/device.js';
export type { AutotuneOptions, AutotuneResult, TuningStorage } from './autotune/autotuner.js';
export type { DenseOptions, MatmulOptions } from './linalg.js';
export type { DenseBackwardArgs, DenseGradients } from './ops/dense.js';
export type { CrossEntropyOptions, CrossEntropyResult, Reduction } from './cpu/crossentropy.js';
export * as cpu from './cpu/index.js';
export { Sequential } from './nn/model.js';
export type { CompileOptions, ModelInput, ModelTarget } from './nn/model.js';
export { Dense, Activation } from './nn/layers.js';
export type { DenseConfig, ActivationConfig } from './nn/layers.js';
export type { ActivationName } from './nn/activations.js';
export type { InitializerName } from './nn/initializers.js';
export type { LossName } from './nn/losses.js';
export { SGD, Adam } from './nn/optimizers.js';
export type { SGDConfig, AdamConfig } from './nn/optimizers.js';
export { setDefaultContext } from './nn/default-context.js';
export type { FitOptions, FitCallbacks, Logs } from './nn/fit-common.js';
export type { History, FitParams } from './nn/history.js';
export type { SequentialJSON } from './nn/serialization.js';
export { ModelStateError, NonFiniteLossError } from './nn/errors.js';
export {
  WebGPUNNError,
  ShapeError,
  ArgumentError,
  DTypeError,
  TensorDestroyedError,
  ContextMismatchError,
  SizeLimitError,
  DeviceLostError,
  BackendUnavailableError,
  GPUOperationError,
} from './errors.js';
