/**
 * The ways `fit` trains, selectable like kernel variants (`ctx.setKernelVariant('fit', 'layerwise')`):
 * - 'fused-lanes': one workgroup of 4 invocations runs many whole steps per dispatch, the samples
 *   of a batch spread over the invocations (small models, adapters with subgroups; train-fused.ts);
 * - 'fused-small': the same with one invocation (small models on any adapter);
 * - 'layerwise': a few dispatches per step through the library's ops (any model, and the only
 *   path of the cpu backend; train-layerwise.ts).
 */
import type { GpuRuntime } from '../gpu/runtime.js';
import { chooseVariant, defineVariants, runOp, type OpDefinition } from '../ops/definition.js';
import { TRAIN_SMALL_LANES_WIDTH } from '../ops/training/definition.js';
import type { CoreContext } from '../core-context.js';

export const FIT_VARIANTS = ['fused-lanes', 'fused-small', 'layerwise'] as const;
export type FitVariant = (typeof FIT_VARIANTS)[number];

/** What decides the path: whether the model fits the fused kernels' fixed-size arrays. */
interface FitProblem {
  small: boolean;
}

/** Whether the batch-parallel kernel can run: subgroups, and a subgroup that holds its workgroup. */
function hasLanes(gpu: GpuRuntime): boolean {
  return gpu.hasFeature('subgroups') && (gpu.info.subgroupMinSize ?? 0) >= TRAIN_SMALL_LANES_WIDTH;
}

const fitVariants = /* @__PURE__ */ defineVariants<FitProblem>({
  op: 'fit',
  names: FIT_VARIANTS,
  usable: (gpu, v, { small }) => v === 'layerwise' || (v === 'fused-small' && small) || (v === 'fused-lanes' && small && hasLanes(gpu)),
  rule: (gpu, { small }) => (small && hasLanes(gpu) ? 'fused-lanes' : small ? 'fused-small' : 'layerwise'),
});

const fitPathOp: OpDefinition<[small: boolean], FitProblem, FitVariant> = {
  name: 'fit',
  check: (_ctx, small) => ({ small }),
  reference: () => 'layerwise',
  webgpu: (ctx, gpu, problem) => chooseVariant(ctx, gpu, fitVariants, problem) as FitVariant,
};

/** The path `fit` takes on `ctx` (recorded as the 'fit' variant); `small`: the model fits the fused kernels. */
export function chooseFitPath(ctx: CoreContext, small: boolean): FitVariant {
  return runOp(ctx, fitPathOp, small);
}

