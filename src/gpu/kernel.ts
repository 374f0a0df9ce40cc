/**
 * Kernel specs and the pipeline cache. A spec is immutable: which WGSL, which bindings, which
 * `override` constants. Pipelines are compiled once per (device, kernel, overrides) with an
 * explicit bind-group layout, where the last binding is always the kernel's uniform parameter
 * block, bound with a dynamic offset into the recorder's parameter arena.
 */
import { SHADER_STAGE_COMPUTE } from './flags.js';

/** How a storage binding is used by the kernel: read-only or read-write. */
export type BindingKind = 'read' | 'write';

export interface KernelSpec {
  /** Name used for labels and the pipeline cache; also reported by benchmarks as the variant. */
  readonly name: string;
  readonly code: string;
  /** Storage bindings 0..n-1; binding n is the uniform parameter block. */
  readonly bindings: readonly BindingKind[];
  /** Device features the WGSL enables (e.g. `subgroups`). */
  readonly features?: readonly GPUFeatureName[];
}

export interface CompiledKernel {
  readonly spec: KernelSpec;
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  readonly label: string;
}

export type Overrides = Readonly<Record<string, number>>;

const caches = new WeakMap<GPUDevice, Map<string, CompiledKernel>>();

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

  const entries: GPUBindGroupLayoutEntry[] = spec.bindings.map((kind, binding) => ({
    binding,
    visibility: SHADER_STAGE_COMPUTE,
    buffer: { type: kind === 'read' ? 'read-only-storage' : 'storage' },
  }));
  entries.push({
    binding: spec.bindings.length,
    visibility: SHADER_STAGE_COMPUTE,
    buffer: { type: 'uniform', hasDynamicOffset: true },
  });
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
