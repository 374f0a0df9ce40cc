/**
 * model.fit: validate everything (options, context, data) before recording any work, pick the
 * training path, run it, return the History. See train-fused.ts and train-layerwise.ts.
 */
import { ModelStateError } from './errors.js';
import type { ModelCore } from './core.js';
import { prepareData } from './data.js';
import { makePlan, parseFitOptions, type FitOptions } from './fit-common.js';
import type { History } from './history.js';
import { fitsFusedKernel, trainFused } from './train-fused.js';
import { trainLayerwise } from './train-layerwise.js';
import { chooseFitPath } from './fit-variants.js';

export async function fit(core: ModelCore, stopRequested: () => boolean, x: unknown, y: unknown, options?: FitOptions): Promise<History> {
  const op = 'fit';
  core.checkAlive(op);
  if (!core.compiled) throw new ModelStateError(op, 'compile the model before fit: model.compile({ loss, optimizer })');
  if (core.training) throw new ModelStateError(op, 'fit is already running on this model');
  const parsed = parseFitOptions(op, options);
  core.training = true;
  try {
    const ctx = await core.resolveContext(op, x, y);
    const data = await prepareData(op, core, ctx, x, y, core.compiled.loss === 'sparseCategoricalCrossentropy');
    try {
      core.ensureWeights(op);
      const plan = makePlan(op, core, ctx, data, parsed, stopRequested);
      const path = chooseFitPath(ctx, fitsFusedKernel(core, plan.setup.stages));
      if (path === 'layerwise') await trainLayerwise(plan);
      else await trainFused(plan, path === 'fused-lanes');
      return plan.history;
    } finally {
      data.dispose();
    }
  } finally {
    core.training = false;
  }
}
