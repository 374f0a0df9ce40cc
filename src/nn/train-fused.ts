/**
 * Training path 'fused-small': shaders/train_small.wgsl runs many whole steps in one dispatch
 * (one invocation walks the batch, the forward and backward passes and the optimizer update), so
 * that a small model's step costs microseconds instead of a dozen dispatches. The host uploads
 * the epochs' permutations and the per-step learning rates for a group of epochs, records the
 * group as a few dispatches of bounded length, and reads the group's records once (per-epoch
 * sums, per-step logs for batch callbacks; the per-epoch snapshots of the weights and optimizer
 * state stay on the device for fit-loop.ts to rewind to or copy from).
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
  NO_RECORD,
  STAGE_WORDS,
  TRAIN_SMALL_MAX_ACTIVATIONS,
  TRAIN_SMALL_MAX_STAGES,
  TRAIN_SMALL_MAX_WIDTH,
  trainSmall,
  type TrainSmallConfig,
} from '../ops/training/definition.js';
import { ACTIVATION_CODE } from './activations.js';
import { AdamW, optimizerCode, ratePerStep, stepParams } from './optimizers.js';
import type { Stage } from './layers.js';
import type { ModelCore } from './core.js';
import { iterationOf, layoutWords, Permutations, recordLayout, snapshotBase, snapshotWords, type FitPlan } from './fit-common.js';
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
/** Bound on the words of permutations, rates and decays uploaded per group. */
const MAX_AUX_WORDS = 1 << 22;
/** Bounds on a group's epochs, its step logs and its snapshots (words). */
const MAX_GROUP_EPOCHS = 1 << 16;
const MAX_GROUP_STEPS = 1 << 16;
const MAX_SNAPSHOT_WORDS = 1 << 22;

export async function trainFused(plan: FitPlan, lanes: boolean): Promise<void> {
  const { op, core, ctx, data, setup, options } = plan;
  const stages = setup.stages;
  const optimizer = core.compiled!.optimizer;
  const P = core.flatSize;
  const realParams = core.params.reduce((a, p) => a + p.size, 0);
  const spe = plan.stepsPerEpoch;
  const epochs = options.epochs;
  const permutations = new Permutations(options.seed, plan.trainSamples, options.shuffle);

  const temps: Tensor[] = [];
  const keep = <T extends Tensor>(t: T) => (temps.push(t), t);
  const table = keep(ctx.tensor(stageTable(core, stages)));
  const flat = keep(ctx.tensor(new Float32Array(P)));
  const state = core.ensureOptimizerState();
  const bySnapshots = snapshotWords(plan) > 0 ? Math.floor(MAX_SNAPSHOT_WORDS / snapshotWords(plan)) : Infinity;
  const bySteps = plan.stepLogs ? Math.floor(MAX_GROUP_STEPS / spe) : Infinity;
  const maxGroupEpochs = Math.max(1, Math.min(epochs, MAX_GROUP_EPOCHS, bySnapshots, bySteps));
  const layout = recordLayout(plan, maxGroupEpochs, maxGroupEpochs * spe);
  const records = keep(ctx.tensor(new Float32Array(layoutWords(layout))));
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
    layout,
    // As many epochs as fit the time budget (by default GROUP_MS, a tenth of it while the speed is a guess).
    groupSteps(_step, epoch, budgetMs) {
      const budget = budgetMs ?? (known ? GROUP_MS : GROUP_MS / 10);
      const byTime = Math.floor((budget * workPerMs) / work);
      const byAux = Math.floor(MAX_AUX_WORDS / ((options.shuffle ? plan.trainSamples : 0) + 2 * spe));
      return Math.max(1, Math.min(epochs - epoch, maxGroupEpochs, byTime, byAux)) * spe;
    },
    record(step, groupSteps, epoch, epochRates) {
      const groupEpochs = Math.floor((step + groupSteps - 1) / spe) - epoch + 1;
      // aux: the permutations of the group's epochs, then (when the rate varies within the group:
      // Adam's bias correction, a schedule's epochs) the rate of each of its steps, then AdamW's
      // weight decay of each step (lr * weightDecay at the step's rate). A constant rate stays in
      // the rule, so that the common case reads no per-step values (bench/HISTORY.md).
      const permWords = options.shuffle ? groupEpochs * plan.trainSamples : 0;
      const ratesVary = ratePerStep(optimizer) || epochRates.some((r) => r !== epochRates[0]);
      const rateWords = ratesVary ? groupSteps : 0;
      const decayWords = optimizer instanceof AdamW ? groupSteps : 0;
      const aux = new Uint32Array(Math.max(1, permWords + rateWords + decayWords));
      if (options.shuffle) for (let e = 0; e < groupEpochs; e++) aux.set(permutations.epoch(epoch + e), e * plan.trainSamples);
      if (ratesVary) {
        const rates = new Float32Array(aux.buffer, permWords * 4, rateWords);
        const decays = new Float32Array(aux.buffer, (permWords + rateWords) * 4, decayWords);
        for (let k = 0; k < groupSteps; k++) {
          const s = step + k;
          const update = stepParams(optimizer, iterationOf(plan, s), epochRates[Math.floor(s / spe) - epoch]);
          rates[k] = update.rate;
          if (decayWords > 0) decays[k] = update.decay;
        }
      }
      // The rule's fields that do not vary per step (with ratesVary its rate and decay come from aux).
      const rule = stepParams(optimizer, iterationOf(plan, step), epochRates[0]);
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
          ratesVary,
          rateBase: permWords,
          decayBase: permWords + rateWords,
          rateStep: step,
          stepLogBase: layout.maxSteps > 0 ? groupEpochs : NO_RECORD,
          snapshotBase: snapshotBase(layout),
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
    weightAt: (i) => [flat, core.params[i].offset],
    syncWeights,
    finish() {
      if (!core.disposed && ctx.alive) syncWeights();
      temps.forEach((t) => t.destroy());
    },
  });
}
