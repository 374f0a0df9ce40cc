/**
 * Training path 'fused-small': shaders/train_small.wgsl runs many whole steps in one dispatch
 * (one invocation walks the batch, the forward and backward passes and the optimizer update), so
 * that a small model's step costs microseconds instead of a dozen dispatches. The host uploads
 * the epochs' permutations (and Adam's or AdamW's per-step rates) for a group of epochs, records the group
 * as a few dispatches of bounded length, and reads the group's per-epoch records once. With
 * onEpochEnd a group is one epoch, with onBatchEnd one step, so callbacks see the current
 * weights (they are copied back into the model's tensors before each callback).
 *
 * Used when the model is small (see `fitsFusedKernel`): at most 8 stages, every width at most 64,
 * at most 1024 activation values per sample, at most 16384 parameters. Past that, one invocation doing all the
 * arithmetic loses to the layer-wise path's parallel kernels.
 */
import type { Tensor } from '../tensor.js';
import {
  copyElements,
  NO_BIAS,
  NO_PERMUTATION,
  STAGE_WORDS,
  TRAIN_SMALL_MAX_ACTIVATIONS,
  TRAIN_SMALL_MAX_STAGES,
  TRAIN_SMALL_MAX_WIDTH,
  trainSmall,
  type TrainSmallConfig,
} from '../ops/training/definition.js';
import { ACTIVATION_CODE } from './activations.js';
import { optimizerCode, ratePerStep, stepParams } from './optimizers.js';
import type { Stage } from './layers.js';
import type { ModelCore } from './core.js';
import { iterationOf, Permutations, recordsWords, type FitPlan } from './fit-common.js';
import { runFitLoop } from './fit-loop.js';

export const FUSED_MAX_PARAMS = 16384;

/** Whether the fused kernel can run this model (its private arrays are fixed-size). */
export function fitsFusedKernel(core: ModelCore, stages: readonly Stage[]): boolean {
  let activations = core.inputWidth!;
  if (activations > TRAIN_SMALL_MAX_WIDTH || stages.length > TRAIN_SMALL_MAX_STAGES) return false;
  for (const s of stages) {
    if (s.outputs > TRAIN_SMALL_MAX_WIDTH) return false;
    activations += s.outputs;
  }
  const params = core.params.reduce((a, p) => a + p.size, 0);
  return activations <= TRAIN_SMALL_MAX_ACTIVATIONS && params <= FUSED_MAX_PARAMS;
}

/** The stage table of the fused trainers (train_model.wgsl) (8 words per stage; a Dropout's words 3 to 5 are its scale, threshold and seed). */
function stageTable(core: ModelCore, stages: readonly Stage[]): Int32Array {
  const table = new Int32Array(Math.max(1, stages.length) * STAGE_WORDS);
  let src = 0;
  let out = core.inputWidth!;
  stages.forEach((s, i) => {
    const e = i * STAGE_WORDS;
    const kernel = s.dense >= 0 ? core.params.find((p) => p.dense === s.dense && p.kind === 'kernel')! : null;
    const bias = s.dense >= 0 ? core.params.find((p) => p.dense === s.dense && p.kind === 'bias') : undefined;
    table[e] = s.dense >= 0 ? 0 : 1;
    table[e + 1] = s.inputs;
    table[e + 2] = s.outputs;
    table[e + 3] = ACTIVATION_CODE[s.activation];
    table[e + 4] = kernel ? kernel.offset : 0;
    table[e + 5] = bias ? bias.offset : NO_BIAS;
    table[e + 6] = src;
    table[e + 7] = out;
    if (s.dropout) {
      table[e] = 2;
      table[e + 3] = new Int32Array(new Float32Array([s.dropout.scale]).buffer)[0];
      table[e + 4] = s.dropout.threshold;
      table[e + 5] = s.dropout.seed | 0;
    }
    src = out;
    out += s.outputs;
  });
  return table;
}

/** Rough cost of one epoch in multiply-adds, to size dispatches and groups. */
function epochWork(plan: FitPlan, params: number): number {
  return 3 * params * plan.trainSamples + params * plan.valSamples + 4 * params * plan.stepsPerEpoch + 64;
}

/** Work per millisecond assumed before the first measurement (SwiftShader does ~2-5x this). */
const INITIAL_WORK_PER_MS = 2e4;
/** Bound on one dispatch (a long dispatch can trip a GPU watchdog) and on a group between readbacks. */
const DISPATCH_MS = 60;
const GROUP_MS = 500;
/** Bound on the words of permutations uploaded per group. */
const MAX_AUX_WORDS = 1 << 22;

export async function trainFused(plan: FitPlan, lanes: boolean): Promise<void> {
  const { op, core, ctx, data, setup, options } = plan;
  const stages = setup.stages;
  const optimizer = core.compiled!.optimizer;
  const adam = ratePerStep(optimizer);
  const P = core.flatSize;
  const realParams = core.params.reduce((a, p) => a + p.size, 0);
  const spe = plan.stepsPerEpoch;
  const epochs = options.epochs;
  const callbacks = options.callbacks;
  const permutations = new Permutations(options.seed, plan.trainSamples, options.shuffle);

  const temps: Tensor[] = [];
  const keep = <T extends Tensor>(t: T) => (temps.push(t), t);
  const table = keep(ctx.tensor(stageTable(core, stages)));
  const flat = keep(ctx.tensor(new Float32Array(P)));
  const state = core.ensureOptimizerState();
  const maxGroupEpochs = Math.max(1, Math.min(epochs, callbacks.onBatchEnd || callbacks.onEpochEnd || options.recoverable ? 1 : 1 << 16));
  const records = keep(ctx.tensor(new Float32Array(recordsWords(maxGroupEpochs))));
  const weights = core.tensors!;

  core.params.forEach((p, i) => copyElements(ctx, op, weights[i], 0, flat, p.offset, p.size));
  const syncWeights = () => core.params.forEach((p, i) => copyElements(ctx, op, flat, p.offset, weights[i], 0, p.size));

  const config: TrainSmallConfig = {
    stageCount: stages.length,
    lossCode: setup.code,
    metrics: setup.metrics,
    labelKind: data.labelKind,
    optimizerCode: optimizerCode(optimizer),
    denseMask: stages.reduce((m, s, i) => (s.dense >= 0 ? m | (1 << i) : m), 0),
    biasMask: stages.reduce((m, s, i) => (s.dense >= 0 && s.useBias ? m | (1 << i) : m), 0),
    dropoutMask: stages.reduce((m, s, i) => (s.dropout ? m | (1 << i) : m), 0),
    activations: stages.map((s) => ACTIVATION_CODE[s.activation]),
    alphas: stages.map((s) => s.alpha),
  };
  const base = {
    stepsPerEpoch: spe,
    trainSamples: plan.trainSamples,
    batchSize: plan.batchSize,
    valStart: plan.trainSamples,
    valCount: plan.valSamples,
    inputWidth: core.inputWidth!,
    outputWidth: core.outputWidth,
    paramCount: P,
    // iterations + step is the optimizer's iteration t of a step (iterationOf), modulo 2^32.
    iterations: (plan.iterationsBefore - plan.firstStep + 1) >>> 0,
  };

  let workPerMs = core.fusedWorkPerMs ?? INITIAL_WORK_PER_MS;
  const work = epochWork(plan, realParams);
  // The speed is known once a group was timed, here or in an earlier fit on this context.
  let known = core.fusedWorkPerMs !== null;
  await runFitLoop(plan, {
    records,
    // As many epochs as fit the time budget (a tenth of it while the speed is a guess).
    groupSteps(_step, epoch) {
      const byTime = Math.floor((known ? GROUP_MS : GROUP_MS / 10) * workPerMs / work);
      const byAux = options.shuffle ? Math.floor(MAX_AUX_WORDS / (plan.trainSamples + (adam ? spe : 0))) : Infinity;
      return Math.max(1, Math.min(epochs - epoch, maxGroupEpochs, byTime, byAux)) * spe;
    },
    record(step, groupSteps, epoch) {
      const groupEpochs = Math.floor((step + groupSteps - 1) / spe) - epoch + 1;
      // aux: the permutations of the group's epochs, then Adam's (AdamW's) rate for each of its steps.
      const permWords = options.shuffle ? groupEpochs * plan.trainSamples : 0;
      const aux = new Uint32Array(Math.max(1, permWords + (adam ? groupSteps : 0)));
      if (options.shuffle) for (let e = 0; e < groupEpochs; e++) aux.set(permutations.epoch(epoch + e), e * plan.trainSamples);
      if (adam) {
        const rates = new Float32Array(aux.buffer, permWords * 4, groupSteps);
        for (let k = 0; k < groupSteps; k++) rates[k] = stepParams(optimizer, iterationOf(plan, step + k)).rate;
      }
      // The rule as the optimizer is now: a learning rate set by a callback applies from the next group.
      const rule = stepParams(optimizer, iterationOf(plan, step));
      const auxTensor = ctx.tensor(new Int32Array(aux.buffer));
      const stepsPerDispatch = Math.max(1, Math.floor((DISPATCH_MS * workPerMs) / (work / spe)));
      const bindings = [data.x, data.y, auxTensor, table, flat, state, records];
      for (let s = step; s < step + groupSteps; s += stepsPerDispatch) {
        trainSmall(ctx, op, lanes, bindings, config, {
          ...base,
          rule,
          firstStep: s,
          stepCount: Math.min(stepsPerDispatch, step + groupSteps - s),
          recordEpoch: epoch,
          permEpoch: options.shuffle ? epoch : NO_PERMUTATION,
          rateBase: permWords,
          rateStep: step,
        });
      }
      auxTensor.destroy();
    },
    measured(ms, groupSteps) {
      // The first group ever timed includes compiling the pipeline: it may only raise the guess.
      const rate = (work * groupSteps) / spe / Math.max(ms, 1);
      workPerMs = known ? Math.max(1e3, rate) : Math.max(workPerMs, rate);
      known = true;
      core.fusedWorkPerMs = workPerMs;
    },
    syncWeights,
    finish() {
      if (!core.disposed && ctx.alive) syncWeights();
      temps.forEach((t) => t.destroy());
    },
  });
}
