/** webgpu-nn: batched softmax, its derivatives and dense layers on WebGPU, with a CPU reference. */
export { createContext } from './context';
export type { Context } from './context';
export type { ContextOptions, TensorInput, MemoryInfo, BackendName } from './context';
export type { Tensor, DType, TensorData, DataOf } from './tensor';
export type { AdapterInfo } from './gpu/device';
export type { AutotuneOptions, AutotuneResult, TuningStorage } from './autotune/autotuner';
export type { MatmulOptions } from './linalg';
export type { DenseBackwardArgs, DenseGradients } from './ops/dense';
export type { CrossEntropyOptions, CrossEntropyResult, Reduction } from './cpu/crossentropy';
export * as cpu from './cpu/index';
export { Sequential } from './nn/model';
export type { CompileOptions, ModelInput, ModelTarget } from './nn/model';
export { Dense, Activation } from './nn/layers';
export type { DenseConfig, ActivationConfig } from './nn/layers';
export type { ActivationName } from './nn/activations';
export type { InitializerName } from './nn/initializers';
export type { LossName } from './nn/losses';
export { SGD, Adam } from './nn/optimizers';
export type { SGDConfig, AdamConfig } from './nn/optimizers';
export { setDefaultContext } from './nn/default-context';
export type { FitOptions, FitCallbacks, Logs } from './nn/fit-common';
export type { History, FitParams } from './nn/history';
export type { SequentialJSON } from './nn/serialization';
export { ModelStateError, NonFiniteLossError } from './nn/errors';
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
} from './errors';
