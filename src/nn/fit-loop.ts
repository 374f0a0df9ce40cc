/**
 * The training loop both paths run. Steps run in groups with one readback of the records per
 * group; the callbacks of every step and epoch of the group are then delivered in Keras's order
 * (onEpochBegin, onBatchBegin / onBatchEnd per step, onEpochEnd; onTrainBegin / onTrainEnd
 * around it all), with the model's weights brought up to date first.
 *
 * A group is as long as `yieldEvery` allows: one step ('batch'), one epoch ('epoch', or when a
 * callback of the user's has onEpochBegin, so that what it sets applies to its epoch), else as
 * many steps as the runner asks for within the time budget ('auto', milliseconds, 'never').
 * Decisions that land inside a group take effect exactly at their epoch:
 * - the learning rate of each epoch is planned before the group runs (the optimizer's rate, then
 *   LearningRateScheduler's schedule) and uploaded with its steps;
 * - after onEpochEnd(e), a stop request (EarlyStopping, model.stopTraining) rewinds the trainer
 *   to the snapshot of epoch e's end and ends training; a learning rate that differs from the
 *   planned one at the next epoch (ReduceLROnPlateau) rewinds there and trains on at the new rate.
 *   The records hold a snapshot of the weights and optimizer state per epoch whenever there are
 *   callbacks and groups may span epochs.
 * A non-finite loss (the trainer's on-GPU stop flag) raises NonFiniteLossError after the steps
 * before it were delivered.
 * At the end of every group that ends an epoch the model's weights and optimizer state are read
 * back with the records and kept on the host (ModelCore.kept; again after a rewind); a lost device
 * rejects the fit with a DeviceLostError saying which epoch that copy holds, so that the model can
 * continue on a new context (docs/training.md: useContext, then fit with initialEpoch).
 * The runners (train-fused.ts, train-layerwise.ts) only record steps.
 */
import type { Tensor } from '../tensor.js';
import { DeviceLostError } from '../errors.js';
import { NonFiniteLossError } from './errors.js';
import { copyElements, RECORD_HEADER_WORDS } from '../ops/training/definition.js';
import type { FitControl, Logs } from './callbacks.js';
import { copySnapshot, copySnapshotWeights, decodeRecords, epochGroups, epochLogs, groupWords, stepLogs, type FitPlan, type RecordLayout } from './fit-common.js';

export interface FitRunner {
  /** The records tensor the runner's steps write, laid out as `layout`. */
  records: Tensor;
  layout: RecordLayout;
  /** Steps of the group starting at `step` (in epoch `epoch`), within `budgetMs` of wall time (null: the runner's own default). */
  groupSteps(step: number, epoch: number, budgetMs: number | null): number;
  /** Records steps [step, step + count) at the learning rate `rates[e - epoch]` in epoch e; their records start at slot 0 for epoch `epoch`. */
  record(step: number, count: number, epoch: number, rates: number[]): void;
  /** Learns from a group's wall time (including its readback). */
  measured?(ms: number, steps: number): void;
  /** The trainer's copy of parameter i: a tensor and the offset in it. */
  weightAt(i: number): [Tensor, number];
  /** Brings the model's weight tensors up to date from the trainer's copy. */
  syncWeights(): void;
  /** Releases what the runner holds, after the last group or an error (the model's weights are current after it). */
  finish(): void;
}

/** The group length that `yieldEvery` asks for. */
function groupLength(plan: FitPlan, runner: FitRunner, step: number, epoch: number): number {
  const spe = plan.stepsPerEpoch;
  const y = plan.options.yieldEvery;
  if (y === 'batch') return 1;
  if (y === 'epoch' || epochGroups(plan.options)) return spe - (step % spe);
  return runner.groupSteps(step, epoch, y === 'never' ? Infinity : y === 'auto' ? null : y);
}

export async function runFitLoop(plan: FitPlan, runner: FitRunner): Promise<void> {
  const { op, core, ctx, options, model } = plan;
  const callbacks = options.callbacks;
  const optimizer = core.compiled!.optimizer;
  const spe = plan.stepsPerEpoch;
  const totalSteps = options.epochs * spe;
  const batchHooks = callbacks.has('onBatchBegin') || callbacks.has('onBatchEnd') || plan.progress.live;
  // Only hooks that return promises are awaited: 100,000 epochs of awaits cost about a quarter second.
  const epochBeginHooks = callbacks.has('onEpochBegin');
  const epochEndHooks = callbacks.has('onEpochEnd');
  const kept = new Map<object, Tensor[]>();
  // Where the weights of the epoch being delivered are: the group's snapshot slot, or null for the trainer's current weights.
  let snapshotSlot: number | null = null;
  // The model's tensors hold an earlier epoch's weights than the trainer's (a callback read them).
  let behind = false;
  /**
   * Delivers `hook` with the weights of the group's epoch `slot` (null: the trainer's current
   * ones) visible to model calls that read them; a Promise only if the hook returned one.
   */
  const withWeightsOf = (slot: number | null, hook: () => Promise<void> | void): Promise<void> | void => {
    snapshotSlot = slot;
    core.pendingWeights =
      slot === null
        ? null
        : () => {
            copySnapshotWeights(plan, runner.records, runner.layout, slot, core.tensors!);
            behind = true;
          };
    const done = () => {
      core.pendingWeights = null;
      snapshotSlot = null;
    };
    let result: Promise<void> | void;
    try {
      result = hook();
    } catch (error) {
      done();
      throw error;
    }
    if (!result) return done();
    return result.finally(done);
  };

  const control: FitControl = {
    logKeys: Object.keys(plan.history.history),
    stop: () => {
      model.stopTraining = true;
    },
    getLearningRate: () => optimizer.learningRate,
    setLearningRate: (rate) => {
      optimizer.learningRate = rate;
    },
    keepWeights(owner) {
      let copy = kept.get(owner);
      if (!copy) kept.set(owner, (copy = core.params.map((p) => ctx.tensor(new Float32Array(p.size)))));
      if (snapshotSlot !== null) copySnapshotWeights(plan, runner.records, runner.layout, snapshotSlot, copy);
      else core.tensors!.forEach((t, i) => copyElements(ctx, op, t, 0, copy[i], 0, core.params[i].size));
    },
    restoreWeights(owner) {
      const copy = kept.get(owner);
      if (copy) copy.forEach((t, i) => copyElements(ctx, op, t, 0, core.tensors![i], 0, core.params[i].size));
    },
  };
  let zeros: Tensor | null = null;
  // Back to the end of the group's epoch `slot`; the stop flag is cleared, as the steps that set it are discarded.
  const rewind = (slot: number) => {
    copySnapshot(plan, runner.records, runner.layout, slot, (i) => runner.weightAt(i), false);
    runner.syncWeights();
    behind = false;
    zeros ??= ctx.tensor(new Float32Array(RECORD_HEADER_WORDS));
    copyElements(ctx, op, zeros, 0, runner.records, 0, RECORD_HEADER_WORDS);
  };

  callbacks.attach(control);
  let lastLogs: Logs = {};
  let step = plan.firstStep;
  let keptEpoch = options.initialEpoch - 1;
  const iterationsAt = (s: number) => plan.iterationsBefore + s - plan.firstStep;
  // The last epoch whose onEpochBegin was delivered.
  let begun = -1;
  try {
    await callbacks.trainBegin();
    // A stop requested in a batch hook lets that epoch finish (groups of one step included).
    while (step < totalSteps && !(model.stopTraining && step % spe === 0)) {
      const epoch = Math.floor(step / spe);
      if (step % spe === 0 && begun < epoch) {
        if (epochBeginHooks) await callbacks.epochBegin(epoch);
        begun = epoch;
        if (model.stopTraining) break;
      }
      const groupSteps = Math.min(groupLength(plan, runner, step, epoch), totalSteps - step);
      const groupEpochs = Math.floor((step + groupSteps - 1) / spe) - epoch + 1;
      const rates = [optimizer.learningRate];
      for (let k = 1; k < groupEpochs; k++) rates.push(callbacks.plannedRate(epoch + k, rates[k - 1]));
      const t0 = performance.now();
      runner.record(step, groupSteps, epoch, rates);
      const endsEpoch = (step + groupSteps) % spe === 0;
      runner.syncWeights();
      // The records, and at an epoch's end the host copy, in one readback.
      const [values, ...host] = await ctx.readTensors([{ tensor: runner.records, elements: groupWords(runner.layout, groupEpochs, groupSteps) }, ...(endsEpoch ? core.hostReads() : [])]);
      const kept = endsEpoch ? core.hostState(host, iterationsAt(step + groupSteps)) : null;
      const ms = performance.now() - t0;
      runner.measured?.(ms, groupSteps);
      const rec = decodeRecords(values.buffer as ArrayBuffer, groupEpochs);
      const end = rec.stopped ? rec.stopEpoch * spe + rec.stopBatch : step + groupSteps;
      // Epochs inside the group are delivered with their own weights when snapshots exist (not
      // after a non-finite loss: the group then ends inside an epoch).
      const exact = plan.snapshots && !rec.stopped;
      let next = end;
      for (let s = step; s < end; s++) {
        const e = Math.floor(s / spe);
        const b = s % spe;
        const slot = e - epoch;
        if (b === 0 && begun < e) {
          const pending = epochBeginHooks ? withWeightsOf(exact ? slot - 1 : null, () => callbacks.epochBegin(e)) : undefined;
          if (pending) await pending;
          begun = e;
          if (plan.snapshots && (model.stopTraining || optimizer.learningRate !== rates[slot])) {
            rewind(slot - 1);
            next = s;
            break;
          }
        }
        if (b === 0) plan.progress.epochBegin(e);
        if (batchHooks) {
          const beforeBatch = callbacks.batchBegin(b);
          if (beforeBatch) await beforeBatch;
          const logs = stepLogs(plan, rec, s - step);
          plan.progress.batchEnd(b, logs);
          const afterBatch = callbacks.batchEnd(b, logs);
          if (afterBatch) await afterBatch;
        }
        if (b === spe - 1) {
          const logs = epochLogs(plan, rec.epochs, slot);
          plan.history.push(e, logs);
          plan.progress.epochEnd(e, ms / groupEpochs, logs);
          lastLogs = logs;
          const last = s + 1 === end;
          const pending = epochEndHooks ? withWeightsOf(exact && !last ? slot : null, () => callbacks.epochEnd(e, logs)) : undefined;
          if (pending) await pending;
          if (model.stopTraining && (last || plan.snapshots)) {
            if (!last) rewind(slot);
            next = s + 1;
            break;
          }
        }
      }
      // The trainer goes on from the group's end: the model's tensors too.
      if (behind) {
        copySnapshotWeights(plan, runner.records, runner.layout, groupEpochs - 1, core.tensors!);
        behind = false;
      }
      const rewound = next !== end;
      step = next;
      core.iterations = iterationsAt(step);
      if (rec.stopped && !rewound && !model.stopTraining) throw new NonFiniteLossError(op, rec.stopEpoch, rec.stopBatch, plan.history);
      // The host copy is of the group's end; after a rewind, of the epoch end training went back to.
      const hostCopy = rewound ? await core.captureHost(iterationsAt(step)) : rec.stopped ? null : kept;
      if (hostCopy) {
        core.kept = hostCopy;
        keptEpoch = step / spe - 1;
      }
    }
  } catch (error) {
    throw lostDuringFit(plan, error, keptEpoch, step - 1);
  } finally {
    runner.finish();
    (zeros as Tensor | null)?.destroy();
  }
  try {
    await callbacks.trainEnd(lastLogs);
  } finally {
    for (const copy of kept.values()) copy.forEach((t) => t.destroy());
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
