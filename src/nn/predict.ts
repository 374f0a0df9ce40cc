/** model.predict and model.evaluate. */
import type { Tensor } from '../tensor.js';
import { ModelStateError } from './errors.js';
import type { ModelCore } from './core.js';
import { inputTensor, prepareData } from './data.js';
import { forwardStages } from './forward.js';
import { accumulate, copyElements, gatherRows, NO_RECORD } from '../ops/training/definition.js';
import type { CoreContext } from '../core-context.js';
import { decodeRecords, lossSetup, recordLogs, recordsWords } from './fit-common.js';
import { lossAndGradient } from './train-layerwise.js';
import { LabelKind, LossCode } from './losses.js';

/** Rows per forward pass in evaluate. */
const EVALUATE_CHUNK = 4096;

/** The model's outputs for `input`'s rows. */
function forward(ctx: CoreContext, op: string, core: ModelCore, input: Tensor): Tensor {
  const outputs = forwardStages(ctx, op, core, core.stages, input, null);
  const y = outputs.pop()!;
  outputs.forEach((t) => t.destroy());
  return y;
}

/** `batchSize`: rows per forward pass (null: all at once). */
export function predict(core: ModelCore, x: unknown, batchSize: number | null): Tensor<'float32'> {
  const op = 'predict';
  core.checkAlive(op);
  const ctx = core.resolveContextSync(op, x);
  const owned: Tensor[] = [];
  try {
    const input = inputTensor(op, ctx, x, owned, core.inputWidth, false);
    core.build(op, input.shape[1]);
    core.ensureWeights(op);
    const rows = input.shape[0];
    if (batchSize === null || batchSize >= rows) return forward(ctx, op, core, input) as Tensor<'float32'>;
    const units = core.outputWidth;
    const result = ctx.tensor(new Float32Array(rows * units), [rows, units]);
    for (let first = 0; first < rows; first += batchSize) {
      const n = Math.min(batchSize, rows - first);
      const chunk = gatherRows(ctx, op, input, null, n, input.shape[1], first, false);
      const y = forward(ctx, op, core, chunk);
      copyElements(ctx, op, y, 0, result, first * units, n * units);
      chunk.destroy();
      y.destroy();
    }
    return result;
  } finally {
    owned.forEach((t) => t.destroy());
  }
}

/** `batchSize`: rows per forward pass (null: EVALUATE_CHUNK). */
export async function evaluate(core: ModelCore, x: unknown, y: unknown, batchSize: number | null): Promise<Record<string, number>> {
  const op = 'evaluate';
  core.checkAlive(op);
  if (!core.compiled) throw new ModelStateError(op, 'compile the model before evaluate: model.compile({ loss, optimizer })');
  const ctx = await core.resolveContext(op, x, y);
  const data = await prepareData(op, core, ctx, x, y, core.compiled.loss === 'sparseCategoricalCrossentropy');
  const records = ctx.tensor(new Float32Array(recordsWords(1)));
  try {
    core.ensureWeights(op);
    const setup = lossSetup(op, core, data.labelKind);
    const plan = { ctx, op, setup };
    const units = core.outputWidth;
    const floatToInt = setup.code === LossCode.SoftmaxCrossentropy && data.labelKind === LabelKind.IndexFloat;
    const labelKind = floatToInt ? LabelKind.IndexInt : data.labelKind;
    const yWidth = data.labelKind === LabelKind.Dense ? units : 1;
    const chunk = batchSize ?? EVALUATE_CHUNK;
    for (let first = 0; first < data.samples; first += chunk) {
      const rows = Math.min(chunk, data.samples - first);
      const xb = gatherRows(ctx, op, data.x, null, rows, core.inputWidth!, first, false);
      const yb = gatherRows(ctx, op, data.y, null, rows, yWidth, first, floatToInt);
      const outs = forwardStages(ctx, op, core, setup.stages, xb, null);
      const out = outs[outs.length - 1];
      const { rowLoss, grad } = lossAndGradient(plan, out, yb, labelKind);
      accumulate(ctx, op, rowLoss, out, yb, labelKind, records, { rows, n: units, metrics: setup.metrics, labelKind, slot: 0, validation: true, reset: first === 0, epoch: 0, batch: 0, stepLog: NO_RECORD });
      for (const t of [xb, yb, rowLoss, grad, ...outs]) t.destroy();
    }
    const values = (await records.read()) as Float32Array;
    const logs = recordLogs(setup.metricKeys, decodeRecords(values.buffer as ArrayBuffer, 1).epochs, 0, data.samples, data.samples);
    const result: Record<string, number> = { loss: logs.val_loss };
    for (const key of setup.metricKeys) result[key] = logs[`val_${key}`];
    return result;
  } finally {
    records.destroy();
    data.dispose();
  }
}
