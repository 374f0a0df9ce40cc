/** Adapter and device acquisition. */
import { BackendUnavailableError } from '../errors.js';

/** What the context reports about the adapter it runs on. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Smallest and largest subgroup sizes, where the adapter reports them. */
  subgroupMinSize: number | null;
  subgroupMaxSize: number | null;
}

/** Features webgpu-nn uses when the adapter has them; none is required. */
const OPTIONAL_FEATURES: GPUFeatureName[] = ['subgroups', 'timestamp-query'];

/**
 * Limits raised to the adapter's maximum: large batches need big buffers and bindings, and the
 * defaults (256 MiB buffers, 128 MiB bindings) are far below what most adapters allow.
 */
const RAISED_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  // The lanes-texture GEMM packs operands into textures up to this size.
  'maxTextureDimension2D',
] as const;

export function describeAdapter(info: Partial<GPUAdapterInfo> | undefined): AdapterInfo {
  const sub = info as { subgroupMinSize?: number; subgroupMaxSize?: number } | undefined;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    subgroupMinSize: sub?.subgroupMinSize || null,
    subgroupMaxSize: sub?.subgroupMaxSize || null,
  };
}

export async function requestDevice(gpu: GPU | undefined): Promise<{ device: GPUDevice; info: AdapterInfo }> {
  const op = 'createContext';
  if (!gpu) {
    throw new BackendUnavailableError(
      op,
      'WebGPU is not available here (no navigator.gpu); pass `gpu` (e.g. the `webgpu` package in Node) or use backend "cpu"',
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new BackendUnavailableError(op, 'navigator.gpu.requestAdapter() found no adapter');
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ label: 'webgpu-nn', requiredLimits, requiredFeatures });
  return { device, info: describeAdapter(adapter.info) };
}
