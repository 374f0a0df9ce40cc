/**
 * model.fit: validate everything (options, context, data) before recording any work, pick the
 * training path, run it, return the History. See train-fused.ts and train-layerwise.ts.
 */
import type { Context } from '../context.js';
import { ModelStateError } from './errors.js';
import type { ModelCore } from './core.js';
import { prepareData } from './data.js';
import { makePlan, parseFitOptions, type FitOptions } from './fit-common.js';
import type { History } from './history.js';
import { fitsFusedKernel, hasLanes, trainFused } from './train-fused.js';
import { trainLayerwise } from './train-layerwise.js';
import type { FitVariant } from './fit-variants.js';

/** The path `fit` takes on `ctx` for this model (recorded as the 'fit' variant). */
export function chooseFitPath(ctx: Context, core: ModelCore, stages: Parameters<typeof fitsFusedKernel>[1]): FitVariant {
  const gpu = ctx.gpu;
  if (!gpu) return 'layerwise';
  const small = fitsFusedKernel(core, stages);
  const lanes = small && hasLanes(gpu);
  const usable = (v: string) => v === 'layerwise' || (v === 'fused-small' && small) || (v === 'fused-lanes' && lanes);
  return ctx.variants.resolve('fit', lanes ? 'fused-lanes' : small ? 'fused-small' : 'layerwise', usable) as FitVariant;
}

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
      const path = chooseFitPath(ctx, core, plan.setup.stages);
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
