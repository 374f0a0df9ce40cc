/** Errors of the training API (src/nn), on top of the library's typed errors. */
import { WebGPUNNError } from '../errors.js';

/**
 * The model is not in a state that allows the call: `fit` before `compile`, `summary` before the
 * input shape is known, any call after `dispose()`, a model bound to another context.
 */
export class ModelStateError extends WebGPUNNError {
  override readonly name: string = 'ModelStateError';
}

/**
 * The training loss stopped being a finite number (Keras's TerminateOnNaN). Training stopped
 * before applying the update of the batch that produced it, so the model keeps the last weights
 * that gave a finite loss.
 */
export class NonFiniteLossError extends WebGPUNNError {
  override readonly name: string = 'NonFiniteLossError';
  /** Epoch (0-based) of the batch whose loss was not finite. */
  readonly epoch: number;
  /** Batch within that epoch (0-based). */
  readonly batch: number;
  /** The history of the epochs that completed before it. */
  readonly history: unknown;
  constructor(op: string, epoch: number, batch: number, history: unknown) {
    super(
      op,
      `the loss became NaN or infinite at epoch ${epoch + 1} (batch ${batch + 1}); training stopped and the weights are those from before that batch`,
    );
    this.epoch = epoch;
    this.batch = batch;
    this.history = history;
  }
}
