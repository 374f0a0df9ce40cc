/**
 * The two ways `fit` trains on WebGPU, selectable like kernel variants
 * (`ctx.setKernelVariant('fit', 'layerwise')`):
 * - 'fused-small': one kernel runs many whole steps per dispatch (small models; see train-fused.ts);
 * - 'layerwise': a few dispatches per step through the library's ops (any model; train-layerwise.ts).
 */
export const FIT_VARIANTS = ['fused-small', 'layerwise'] as const;
export type FitVariant = (typeof FIT_VARIANTS)[number];
