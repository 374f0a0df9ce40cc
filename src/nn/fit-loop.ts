/**
 * The training loop both paths run: steps in groups, one readback of the records per group, then
 * the stop flag (a non-finite loss -> NonFiniteLossError with the epochs before it reported), the
 * iteration count, onBatchEnd, and History / progress / onEpochEnd per finished epoch. A group is
 * one step with onBatchEnd, one epoch with onEpochEnd, else as many steps as the runner asks for.
 * At the end of every group that ends an epoch the model's weights and optimizer state are read
 * back with the records and kept on the host (ModelCore.kept); a lost device rejects the fit with
 * a DeviceLostError saying which epoch that copy holds, so that the model can continue on a new
 * context (docs/training.md: useContext, then fit with initialEpoch). The runners
 * (train-fused.ts, train-layerwise.ts) only record steps.
 */
import type { Tensor } from '../tensor.js';
import { DeviceLostError } from '../errors.js';
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
  let step = plan.firstStep;
  let keptEpoch = options.initialEpoch - 1;
  const iterationsAt = (s: number) => plan.iterationsBefore + s - plan.firstStep;
  try {
    while (step < totalSteps) {
      const epoch = Math.floor(step / spe);
      const wanted = onBatchEnd ? 1 : onEpochEnd ? spe : runner.groupSteps(step, epoch);
      const groupSteps = Math.min(wanted, totalSteps - step);
      const groupEpochs = Math.floor((step + groupSteps - 1) / spe) - epoch + 1;
      const t0 = performance.now();
      runner.record(step, groupSteps, epoch);
      const records = ctx.readTensor(runner.records, recordsWords(groupEpochs));
      const endsEpoch = (step + groupSteps) % spe === 0;
      if (endsEpoch) runner.syncWeights?.();
      const [values, kept] = await Promise.all([records, endsEpoch ? core.captureHost(iterationsAt(step + groupSteps)) : null]);
      const ms = performance.now() - t0;
      runner.measured?.(ms, groupSteps);
      const rec = decodeRecords(values.buffer as ArrayBuffer);
      if (rec.stopped) {
        core.iterations = iterationsAt(rec.stopEpoch * spe + rec.stopBatch);
        await reportEpochs(plan, rec, epoch, rec.stopEpoch - epoch, 0, ms / groupEpochs);
        throw new NonFiniteLossError(op, rec.stopEpoch, rec.stopBatch, plan.history);
      }
      step += groupSteps;
      core.iterations = iterationsAt(step);
      if (kept) {
        core.kept = kept;
        keptEpoch = step / spe - 1;
      }
      const completeEpochs = Math.floor(step / spe) - epoch;
      if ((onBatchEnd || onEpochEnd) && !endsEpoch) runner.syncWeights?.();
      if (onBatchEnd) await onBatchEnd((step - 1) % spe, batchLogs(plan, rec));
      const stop = await reportEpochs(plan, rec, epoch, completeEpochs, 0, ms / Math.max(1, completeEpochs));
      if (stop || (onBatchEnd && plan.stopRequested())) break;
    }
  } catch (error) {
    throw lostDuringFit(plan, error, keptEpoch, step - 1);
  } finally {
    runner.finish();
  }
}

/**
 * A lost device, whichever call noticed it first (a read, an op, a flush), becomes the fit's
 * DeviceLostError with where training stood; other errors pass through.
 */
function lostDuringFit(plan: FitPlan, error: unknown, epoch: number, step: number): unknown {
  const lost = plan.ctx.gpu?.lostInfo ?? (error instanceof DeviceLostError ? { reason: error.reason, message: '' } : null);
  if (!lost) return error;
  return new DeviceLostError(plan.op, lost.reason, lost.message, { cause: error, progress: { epoch, step, history: plan.history } });
}
