/**
 * Typed errors. Every message names the op and the argument at fault, so that a caller can tell
 * what to fix without reading the library.
 */

/** Base class of every error webgpu-nn throws on purpose. */
export class WebGPUNNError extends Error {
  /** The op (or API call) that raised the error, e.g. `softmax` or `createContext`. */
  readonly op: string;
  constructor(op: string, message: string, options?: { cause?: unknown }) {
    super(`${op}: ${message}`, options);
    this.op = op;
    // Each class also names itself with a literal: bundlers that minify class names would
    // otherwise rename `error.name` in the apps that use webgpu-nn.
    this.name = 'WebGPUNNError';
  }
}

/** A shape is malformed, or shapes of two arguments do not fit together. */
export class ShapeError extends WebGPUNNError {
  override readonly name: string = 'ShapeError';
}

/** An argument has the wrong type, value or range (axis, option, label index ...). */
export class ArgumentError extends WebGPUNNError {
  override readonly name: string = 'ArgumentError';
}

/** A tensor has the wrong dtype for this argument. */
export class DTypeError extends WebGPUNNError {
  override readonly name: string = 'DTypeError';
}

/** A tensor was used after `destroy()` (or after its `tidy` scope ended). */
export class TensorDestroyedError extends WebGPUNNError {
  override readonly name: string = 'TensorDestroyedError';
}

/** A tensor was passed to a context other than the one that created it. */
export class ContextMismatchError extends WebGPUNNError {
  override readonly name: string = 'ContextMismatchError';
}

/** The request exceeds what the device allows (buffer size, binding size ...). */
export class SizeLimitError extends WebGPUNNError {
  override readonly name: string = 'SizeLimitError';
}

/** Where a `fit` stood when the device was lost (see DeviceLostError). */
export interface TrainingProgress {
  /**
   * The last epoch (0-based) whose end the model kept on the host, or `initialEpoch - 1` when
   * none did: continue with `fit(x, y, { initialEpoch: error.epoch + 1 })` after `useContext`.
   */
  epoch: number;
  /** The training steps of this fit known to have completed when the device was lost. */
  step: number;
  /** The History of the epochs that completed before the loss. */
  history: unknown;
}

/**
 * The GPU device was lost; the context cannot run ops any more. Reads in flight when it happened
 * reject with it too (the browser's own error is kept as `cause`). A `fit` in flight rejects with
 * it carrying `epoch`, `step` and `history`; the model keeps its weights and optimizer state as
 * of that epoch's end on the host, for `model.useContext(newContext)`.
 */
export class DeviceLostError extends WebGPUNNError {
  override readonly name: string = 'DeviceLostError';
  /** WebGPU's reason: `'destroyed'` or `'unknown'`. */
  readonly reason: string;
  /** Set when a fit was in flight: the last epoch the model kept (see TrainingProgress); else null. */
  readonly epoch: number | null;
  /** Set when a fit was in flight: its steps known to have completed; else null. */
  readonly step: number | null;
  /** Set when a fit was in flight: the History of its completed epochs; else null. */
  readonly history: unknown;
  constructor(op: string, reason: string, message: string, options?: { cause?: unknown; progress?: TrainingProgress }) {
    const progress = options?.progress;
    const where = progress
      ? ` during fit, ${progress.step >= 0 ? `after step ${progress.step}` : 'before its first step'}; the model kept ${progress.epoch >= 0 ? `the end of epoch ${progress.epoch}` : 'its weights from before epoch 0'}`
      : '';
    super(op, `the GPU device was lost (${reason})${message ? `: ${message}` : ''}${where}`, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.reason = reason;
    this.epoch = progress?.epoch ?? null;
    this.step = progress?.step ?? null;
    this.history = progress?.history ?? null;
  }
}

/**
 * The context was destroyed: what any call on it throws afterwards, and what reads in flight at
 * `ctx.destroy()` reject with.
 */
export class ContextDestroyedError extends WebGPUNNError {
  override readonly name: string = 'ContextDestroyedError';
  constructor(op: string, options?: { cause?: unknown }) {
    super(op, 'the context was destroyed (ctx.destroy()); create a new one with createContext()', options);
  }
}

/** No WebGPU adapter or device could be obtained. */
export class BackendUnavailableError extends WebGPUNNError {
  override readonly name: string = 'BackendUnavailableError';
}

/**
 * WebGPU reported a validation, out-of-memory or internal error while running an op. It reaches
 * the caller through the next `read()` or `flush()`.
 */
export class GPUOperationError extends WebGPUNNError {
  override readonly name: string = 'GPUOperationError';
  /** `'validation'`, `'out-of-memory'` or `'internal'`. */
  readonly kind: string;
  constructor(op: string, kind: string, message: string, options?: { cause?: unknown }) {
    super(op, `WebGPU ${kind} error: ${message}`, options);
    this.kind = kind;
  }
}
