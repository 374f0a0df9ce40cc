/** What `fit` returns: one number per epoch for the loss and each metric (Keras's History). */

export interface FitParams {
  epochs: number;
  /** Batches per epoch. */
  steps: number;
  samples: number;
  validationSamples: number;
  batchSize: number;
}

export class History {
  /** Epoch indices (0-based) that completed. */
  readonly epoch: number[] = [];
  /** Every series by name, as TF.js and Keras hold them: `loss`, `accuracy`, `val_loss`, ... */
  readonly history: Record<string, number[]> = {};
  readonly params: FitParams;

  constructor(params: FitParams, keys: string[]) {
    this.params = params;
    for (const k of keys) this.history[k] = [];
  }

  /** Training loss per epoch (the sample-weighted mean over the epoch's batches). */
  get loss(): number[] {
    return this.history.loss;
  }
  get accuracy(): number[] | undefined {
    return this.history.accuracy;
  }
  get acc(): number[] | undefined {
    return this.history.acc;
  }
  get val_loss(): number[] | undefined {
    return this.history.val_loss;
  }
  get val_accuracy(): number[] | undefined {
    return this.history.val_accuracy;
  }
  get val_acc(): number[] | undefined {
    return this.history.val_acc;
  }

  /** @internal */
  push(epoch: number, logs: Record<string, number>): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) (this.history[k] ??= []).push(v);
  }
}
