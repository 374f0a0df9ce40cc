/**
 * model.fit: validate everything (options, context, data) before recording any work, pick the
 * training path, run it, return the History. See train-fused.ts and train-layerwise.ts.
 */
import { ModelStateError } from './errors.js';
import type { ModelCore } from './core.js';
import { appendRows, prepareData } from './data.js';
import { makePlan, parseFitOptions, type FitOptions } from './fit-common.js';
import type { History } from './history.js';
import { fitsFusedKernel, trainFused } from './train-fused.js';
import { trainLayerwise } from './train-layerwise.js';
import { chooseFitPath } from './fit-variants.js';

export async function fit(core: ModelCore, model: { stopTraining: boolean }, x: unknown, y: unknown, options?: FitOptions): Promise<History> {
  const op = 'fit';
  core.checkAlive(op);
  if (!core.compiled) throw new ModelStateError(op, 'compile the model before fit: model.compile({ loss, optimizer })');
  if (core.training) throw new ModelStateError(op, 'fit is already running on this model');
  const parsed = parseFitOptions(op, options);
  core.training = true;
  try {
    const ctx = await core.resolveContext(op, x, y);
    const sparse = core.compiled.loss === 'sparseCategoricalCrossentropy';
    const prepared = [await prepareData(op, core, ctx, x, y, sparse)];
    try {
      let data = prepared[0];
      if (parsed.validationData) {
        const [vx, vy] = parsed.validationData;
        const validation = await prepareData(`${op} (validationData)`, core, ctx, vx, vy, sparse);
        prepared.push(validation);
        data = appendRows(op, ctx, data, validation);
        prepared.push(data);
      }
      core.ensureWeights(op);
      const plan = makePlan(op, core, ctx, data, parsed, model, parsed.validationData ? prepared[1].samples : null);
      const path = chooseFitPath(ctx, fitsFusedKernel(core, plan.setup.stages));
      if (path === 'layerwise') await trainLayerwise(plan);
      else await trainFused(plan, path === 'fused-lanes');
      return plan.history;
    } finally {
      prepared.forEach((d) => d.dispose());
    }
  } finally {
    core.training = false;
  }
}
