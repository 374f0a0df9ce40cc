/**
 * Kernel specs and the pipeline cache. A spec is immutable: which WGSL, which bindings, which
 * `override` constants. Pipelines are compiled once per (device, kernel, overrides) with an
 * explicit bind-group layout, where the last binding is always the kernel's uniform parameter
 * block, bound with a dynamic offset into the recorder's parameter arena.
 */
import { SHADER_STAGE_COMPUTE } from './flags.js';

/**
 * How a binding is used by the kernel: a storage buffer read-only or read-write, a sampled
 * float texture (read with textureLoad), or a write-only rgba32float storage texture.
 */
export type BindingKind = 'read' | 'write' | 'texture' | 'storage-texture';

export interface KernelSpec {
  /** Name used for labels and the pipeline cache; also reported by benchmarks as the variant. */
  readonly name: string;
  readonly code: string;
  /** Bindings 0..n-1; binding n is the uniform parameter block. */
  readonly bindings: readonly BindingKind[];
  /** Device features the WGSL enables (e.g. `subgroups`). */
  readonly features?: readonly GPUFeatureName[];
  /**
   * A non-filtering sampler at binding n + 1, after the parameter block (the recorder binds one
   * nearest-texel sampler there).
   */
  readonly sampler?: boolean;
}

export interface CompiledKernel {
  readonly spec: KernelSpec;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly label: string;
}

export type Overrides = Readonly<Record<string, number>>;

const caches = new WeakMap<GPUDevice, Map<string, CompiledKernel>>();

/** Pipelines compiled on `device` so far (they live as long as the device). */
export function pipelineCount(device: GPUDevice): number {
  return caches.get(device)?.size ?? 0;
}

export function compileKernel(device: GPUDevice, spec: KernelSpec, overrides: Overrides = {}): CompiledKernel {
  let cache = caches.get(device);
  if (!cache) {
    cache = new Map();
    caches.set(device, cache);
  }
  const keys = Object.keys(overrides).sort();
  const label = keys.length === 0 ? spec.name : `${spec.name}(${keys.map((k) => `${k}=${overrides[k]}`).join(',')})`;
  const hit = cache.get(label);
  if (hit) return hit;

  const entries: GPUBindGroupLayoutEntry[] = spec.bindings.map((kind, binding) => {
    const entry = { binding, visibility: SHADER_STAGE_COMPUTE };
    switch (kind) {
      case 'texture':
        return { ...entry, texture: { sampleType: 'unfilterable-float' } };
      case 'storage-texture':
        return { ...entry, storageTexture: { access: 'write-only', format: 'rgba32float' } };
      default:
        return { ...entry, buffer: { type: kind === 'read' ? 'read-only-storage' : 'storage' } };
    }
  });
  entries.push({
    binding: spec.bindings.length,
    visibility: SHADER_STAGE_COMPUTE,
    buffer: { type: 'uniform', hasDynamicOffset: true },
  });
  if (spec.sampler) entries.push({ binding: spec.bindings.length + 1, visibility: SHADER_STAGE_COMPUTE, sampler: { type: 'non-filtering' } });
  const layout = device.createBindGroupLayout({ label, entries });
  const module = device.createShaderModule({ label, code: spec.code });
  const pipeline = device.createComputePipeline({
    label,
    layout: device.createPipelineLayout({ label, bindGroupLayouts: [layout] }),
    compute: { module, entryPoint: 'main', constants: { ...overrides } },
  });
  const compiled = { spec, pipeline, layout, label };
  cache.set(label, compiled);
  return compiled;
}
