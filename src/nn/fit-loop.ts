/**
 * The training loop both paths run: steps in groups, one readback of the records per group, then
 * the stop flag (a non-finite loss -> NonFiniteLossError with the epochs before it reported), the
 * iteration count, onBatchEnd, and History / progress / onEpochEnd per finished epoch. A group is
 * one step with onBatchEnd, one epoch with onEpochEnd, else as many steps as the runner asks for.
 * The runners (train-fused.ts, train-layerwise.ts) only record steps.
 */
import type { Tensor } from '../tensor.js';
import { NonFiniteLossError } from './errors.js';
import { batchLogs, decodeRecords, recordsWords, reportEpochs, type FitPlan } from './fit-common.js';

export interface FitRunner {
  /** The records tensor the runner's steps write (recordsWords(epochs) float32 words). */
  records: Tensor;
  /** Steps of the group starting at `step` (in epoch `epoch`) when no callback sets the group. */
  groupSteps(step: number, epoch: number): number;
  /** Records steps [step, step + count); their records start at slot 0 for epoch `epoch`. */
  record(step: number, count: number, epoch: number): void;
  /** Learns from a group's wall time (including its readback). */
  measured?(ms: number, steps: number): void;
  /** Brings the model's weight tensors up to date before callbacks see them. */
  syncWeights?(): void;
  /** Releases what the runner holds, after the last group or an error. */
  finish(): void;
}

export async function runFitLoop(plan: FitPlan, runner: FitRunner): Promise<void> {
  const { op, core, ctx, options } = plan;
  const spe = plan.stepsPerEpoch;
  const totalSteps = options.epochs * spe;
  const { onBatchEnd, onEpochEnd } = options.callbacks;
  let step = 0;
  try {
    while (step < totalSteps) {
      const epoch = Math.floor(step / spe);
      const wanted = onBatchEnd ? 1 : onEpochEnd ? spe : runner.groupSteps(step, epoch);
      const groupSteps = Math.min(wanted, totalSteps - step);
      const groupEpochs = Math.floor((step + groupSteps - 1) / spe) - epoch + 1;
      const t0 = performance.now();
      runner.record(step, groupSteps, epoch);
      const values = await ctx.readTensor(runner.records, recordsWords(groupEpochs));
      const ms = performance.now() - t0;
      runner.measured?.(ms, groupSteps);
      const rec = decodeRecords(values.buffer as ArrayBuffer);
      if (rec.stopped) {
        core.iterations = plan.iterationsBefore + rec.stopEpoch * spe + rec.stopBatch;
        await reportEpochs(plan, rec, epoch, rec.stopEpoch - epoch, 0, ms / groupEpochs);
        throw new NonFiniteLossError(op, rec.stopEpoch, rec.stopBatch, plan.history);
      }
      step += groupSteps;
      core.iterations = plan.iterationsBefore + step;
      const completeEpochs = Math.floor(step / spe) - epoch;
      if (onBatchEnd || onEpochEnd) runner.syncWeights?.();
      if (onBatchEnd) await onBatchEnd((step - 1) % spe, batchLogs(plan, rec));
      const stop = await reportEpochs(plan, rec, epoch, completeEpochs, 0, ms / Math.max(1, completeEpochs));
      if (stop || (onBatchEnd && plan.stopRequested())) break;
    }
  } finally {
    runner.finish();
  }
}
