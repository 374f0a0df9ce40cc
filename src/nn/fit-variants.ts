/**
 * The two ways `fit` trains on WebGPU, selectable like kernel variants
 * (`ctx.setKernelVariant('fit', 'layerwise')`):
 * - 'fused-lanes': one workgroup of 4 invocations runs many whole steps per dispatch, the samples
 *   of a batch spread over the invocations (small models, adapters with subgroups; train-fused.ts);
 * - 'fused-small': the same with one invocation (small models on any adapter);
 * - 'layerwise': a few dispatches per step through the library's ops (any model; train-layerwise.ts).
 */
export const FIT_VARIANTS = ['fused-lanes', 'fused-small', 'layerwise'] as const;
export type FitVariant = (typeof FIT_VARIANTS)[number];
