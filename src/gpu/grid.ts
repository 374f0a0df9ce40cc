/**
 * Dispatch-grid folding. WebGPU caps each grid dimension (65535 by default); a linear count of
 * workgroups beyond that is folded into x*y (and z), and the kernels recover the linear index as
 * wid.x + nwg.x * (wid.y + nwg.y * wid.z), returning early past the end.
 */
export type Grid = readonly [number, number, number];

export function foldGrid(workgroups: number, maxPerDimension: number): Grid {
  if (workgroups <= maxPerDimension) return [Math.max(workgroups, 1), 1, 1];
  const y = Math.ceil(workgroups / maxPerDimension);
  if (y <= maxPerDimension) return [Math.ceil(workgroups / y), y, 1];
  const z = Math.ceil(y / maxPerDimension);
  return [maxPerDimension, Math.ceil(y / z), z];
}
