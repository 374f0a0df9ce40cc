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

/**
 * The GPU device was lost; the context cannot run ops any more. Reads in flight when it happened
 * reject with it too (the browser's own error is kept as `cause`).
 */
export class DeviceLostError extends WebGPUNNError {
  override readonly name: string = 'DeviceLostError';
  /** WebGPU's reason: `'destroyed'` or `'unknown'`. */
  readonly reason: string;
  constructor(op: string, reason: string, message: string, options?: { cause?: unknown }) {
    super(op, `the GPU device was lost (${reason})${message ? `: ${message}` : ''}`, options);
    this.reason = reason;
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
