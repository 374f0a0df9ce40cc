/**
 * Training path 'layerwise' (any model, and the cpu backend): per step a handful of dispatches
 * through the library's ops: gather the batch's rows in the epoch's order, ctx.dense per stage
 * (a Dense and the Activation after it are one fused call; a Dropout one dropout kernel, and
 * again on the way back with the same mask), the loss and its gradient (the fused
 * ctx.softmaxCrossEntropy for softmax outputs, loss_rows otherwise), the epoch accumulator (which
 * also flags a non-finite loss), then per stage ctx.denseBackward followed by one optimizer
 * dispatch per parameter tensor. No readback per step: the records of a group of epochs are read
 * once (groups of about 64 steps, or as yieldEvery says); with callbacks each epoch's end also
 * copies the weights and optimizer state into the records (fit-loop.ts rewinds to them). On the
 * cpu backend the same code runs the CPU references of every op.
 */
import { activationOptions, slopeReadsInput } from '../linalg.js';
import type { Tensor } from '../tensor.js';
import { softmaxCrossEntropy } from '../ops/crossentropy/definition.js';
import { denseBackward } from '../ops/dense/definition.js';
import { matmul } from '../ops/matmul/definition.js';
import { accumulate, activationBackward, columnSums, dropout, gatherRows, lossRows, NO_RECORD, optimizerStep } from '../ops/training/definition.js';
import { LabelKind, LossCode } from './losses.js';
import { stepParams } from './optimizers.js';
import { forwardStages, stageWeights } from './forward.js';
import { copySnapshot, iterationOf, layoutWords, Permutations, recordLayout, type FitPlan } from './fit-common.js';
import { runFitLoop } from './fit-loop.js';

/** Rows per forward pass over the validation samples. */
const VALIDATION_CHUNK = 4096;
/** Steps between submits, so that finished buffers return to the pool during long recordings. */
const STEPS_PER_SUBMIT = 16;
/** Steps per group (one readback each) when yieldEvery leaves it to the trainer. */
const GROUP_STEPS = 64;

/** The loss of `outputs` against `labels`: per-row losses and the gradient with respect to the outputs (logits when fused). */
export function lossAndGradient(plan: Pick<FitPlan, 'ctx' | 'op' | 'setup'>, outputs: Tensor, labels: Tensor, labelKind: LabelKind): { rowLoss: Tensor; grad: Tensor } {
  if (plan.setup.code === LossCode.SoftmaxCrossentropy) {
    const r = softmaxCrossEntropy(plan.ctx, outputs, labels, { reduction: 'none' });
    return { rowLoss: r.loss, grad: r.grad };
  }
  return lossRows(plan.ctx, plan.op, outputs, labels, plan.setup.code, labelKind);
}

export async function trainLayerwise(plan: FitPlan): Promise<void> {
  const { op, core, ctx, data, setup, options } = plan;
  const stages = setup.stages;
  const optimizer = core.compiled!.optimizer;
  const spe = plan.stepsPerEpoch;
  const units = core.outputWidth;
  const xWidth = core.inputWidth!;
  const yWidth = data.labelKind === LabelKind.Dense ? units : 1;
  // The fused softmax loss takes int32 class indices; float indices are converted while gathered.
  const floatToInt = setup.code === LossCode.SoftmaxCrossentropy && data.labelKind === LabelKind.IndexFloat;
  const labelKind = floatToInt ? LabelKind.IndexInt : data.labelKind;
  const permutations = new Permutations(options.seed, plan.trainSamples, options.shuffle);
  const state = core.ensureOptimizerState();
  const maxGroupEpochs = Math.max(1, Math.min(options.epochs, Math.ceil(GROUP_STEPS / spe)));
  const layout = recordLayout(plan, maxGroupEpochs, maxGroupEpochs * spe);
  const records = ctx.tensor(new Float32Array(layoutWords(layout)));
  const weightAt = (i: number): [Tensor, number] => [core.tensors![i], 0];
  let order: Tensor | null = null;
  let orderEpoch = -1;

  /** The epoch's sample order on the GPU (uploaded once per epoch), or null without shuffling. */
  const orderOf = (epoch: number): Tensor | null => {
    if (!options.shuffle) return null;
    if (orderEpoch !== epoch) {
      order?.destroy();
      order = ctx.tensor(new Int32Array(permutations.epoch(epoch).buffer));
      orderEpoch = epoch;
    }
    return order;
  };

  // The first layer's dx = dz w^T would be a GEMM as large as its dw, for nothing: its gradients
  // come from dz directly (dw = x^T dz, db = column sums of dz).
  const firstLayerGradients = (x: Tensor, y: Tensor, dy: Tensor, s: (typeof stages)[number]) => {
    const dz = s.activation === 'linear' ? dy : activationBackward(ctx, op, s.activation, y, dy, s.alpha);
    const dw = matmul(ctx, x, dz, { transposeA: true });
    const db = s.useBias ? columnSums(ctx, op, dz) : null;
    if (dz !== dy) dz.destroy();
    return { dx: null, dw, db };
  };

  const trainStep = (step: number, slot: number, stepLog: number, learningRate: number) => {
    const epoch = Math.floor(step / spe);
    const batch = step % spe;
    const start = batch * plan.batchSize;
    const rows = Math.min(plan.batchSize, plan.trainSamples - start);
    const sampleOrder = orderOf(epoch);
    const xb = gatherRows(ctx, op, data.x, sampleOrder, rows, xWidth, start, false);
    const yb = gatherRows(ctx, op, data.y, sampleOrder, rows, yWidth, start, floatToInt);
    // The optimizer's iteration t: also the counter of the step's Dropout masks.
    const iteration = iterationOf(plan, step);
    const outs = forwardStages(ctx, op, core, stages, xb, iteration);
    const out = outs[outs.length - 1];
    const { rowLoss, grad } = lossAndGradient(plan, out, yb, labelKind);
    accumulate(ctx, op, rowLoss, out, yb, labelKind, records, { rows, n: units, metrics: setup.metrics, labelKind, slot, validation: false, reset: batch === 0, epoch, batch, stepLog });
    const update = stepParams(optimizer, iteration, learningRate);
    const scale = 1 / rows;
    let dy = grad;
    for (let i = stages.length - 1; i >= 0; i--) {
      const s = stages[i];
      const input = i === 0 ? xb : outs[i - 1];
      let dx: Tensor | null;
      if (s.dense >= 0) {
        const { w, b } = stageWeights(core, s.dense);
        const g = i === 0 ? firstLayerGradients(input, outs[0], dy, s) : denseBackward(ctx, { x: input, w, y: outs[i], dy, ...activationOptions(s), hasBias: s.useBias });
        for (const p of core.params) {
          if (p.dense !== s.dense) continue;
          const gradient = p.kind === 'kernel' ? g.dw : g.db!;
          optimizerStep(ctx, op, p.kind === 'kernel' ? w : b!, gradient, state, p.offset, core.flatSize, records, update, scale);
        }
        g.dw.destroy();
        g.db?.destroy();
        dx = g.dx;
      } else if (s.dropout) {
        dx = dropout(ctx, op, dy, { ...s.dropout, step: iteration });
      } else {
        // gelu's and swish's slope is read off their input z (slopeReadsInput), the others' off y.
        dx = activationBackward(ctx, op, s.activation, slopeReadsInput(s.activation) ? input : outs[i], dy, s.alpha);
      }
      dy.destroy();
      if (dx === null) break;
      dy = dx;
    }
    dy.destroy();
    for (const t of [xb, yb, rowLoss, ...outs]) t.destroy();
  };

  const validate = (epoch: number, slot: number) => {
    for (let first = 0; first < plan.valSamples; first += VALIDATION_CHUNK) {
      const rows = Math.min(VALIDATION_CHUNK, plan.valSamples - first);
      const xb = gatherRows(ctx, op, data.x, null, rows, xWidth, plan.trainSamples + first, false);
      const yb = gatherRows(ctx, op, data.y, null, rows, yWidth, plan.trainSamples + first, floatToInt);
      const outs = forwardStages(ctx, op, core, stages, xb, null);
      const out = outs[outs.length - 1];
      const { rowLoss, grad } = lossAndGradient(plan, out, yb, labelKind);
      accumulate(ctx, op, rowLoss, out, yb, labelKind, records, { rows, n: units, metrics: setup.metrics, labelKind, slot, validation: true, reset: first === 0, epoch, batch: 0, stepLog: NO_RECORD });
      for (const t of [xb, yb, rowLoss, grad, ...outs]) t.destroy();
    }
  };

  await runFitLoop(plan, {
    records,
    layout,
    groupSteps: (_step, epoch) => Math.min(maxGroupEpochs, options.epochs - epoch) * spe,
    record(step, groupSteps, epoch, rates) {
      const groupEpochs = Math.floor((step + groupSteps - 1) / spe) - epoch + 1;
      for (let s = step; s < step + groupSteps; s++) {
        const slot = Math.floor(s / spe) - epoch;
        const stepLog = layout.maxSteps > 0 ? groupEpochs + s - step : NO_RECORD;
        // One error scope for the whole step instead of one per op (the ops nest in it).
        ctx.runner.captured(op, () => {
          trainStep(s, slot, stepLog, rates[slot]);
          if (s % spe === spe - 1) {
            if (plan.valSamples > 0) validate(Math.floor(s / spe), slot);
            if (layout.snapshotWords > 0) copySnapshot(plan, records, layout, slot, weightAt, true);
          }
        });
        // The group's first step goes out at once, so that the GPU starts while the host records
        // the next ones (recording 16 steps of the fit-mlp bench took 12 ms).
        if (s === step || (s + 1) % STEPS_PER_SUBMIT === 0) ctx.runner.submit();
      }
    },
    weightAt,
    // The model's tensors are the trainer's weights.
    syncWeights() {},
    finish() {
      (order as Tensor | null)?.destroy();
      records.destroy();
    },
  });
}
