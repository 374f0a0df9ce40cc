/** webgpu-nn: batched softmax, its derivatives and dense layers on WebGPU, with a CPU reference. */
export { createContext } from './context';
export type { Context } from './context';
export type { ContextOptions, TensorInput, MemoryInfo, BackendName } from './context';
export type { Tensor, DType, TensorData, DataOf } from './tensor';
export type { AdapterInfo } from './gpu/device';
export type { AutotuneOptions, AutotuneResult, TuningStorage } from './autotune/autotuner';
export type { Activation, MatmulOptions } from './linalg';
export type { DenseBackwardArgs, DenseGradients } from './ops/dense';
export type { CrossEntropyOptions, CrossEntropyResult, Reduction } from './cpu/crossentropy';
export * as cpu from './cpu/index';
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
