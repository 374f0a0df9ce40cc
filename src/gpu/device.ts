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
  /**
   * True for a software adapter that emulates a GPU on the CPU (SwiftShader, llvmpipe/lavapipe,
   * WARP): what the adapter reports, or a known software implementation's name.
   */
  isFallbackAdapter: boolean;
}

/** Names of software WebGPU adapters, for adapters that do not report `isFallbackAdapter`. */
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

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

/**
 * `fallback` is the adapter's own `isFallbackAdapter` where the implementation still reports it
 * on the adapter rather than in its info.
 */
export function describeAdapter(info: Partial<GPUAdapterInfo> | undefined, fallback = false): AdapterInfo {
  const extra = info as { subgroupMinSize?: number; subgroupMaxSize?: number; isFallbackAdapter?: boolean } | undefined;
  const vendor = info?.vendor ?? '';
  const architecture = info?.architecture ?? '';
  const device = info?.device ?? '';
  const description = info?.description ?? '';
  return {
    vendor,
    architecture,
    device,
    description,
    subgroupMinSize: extra?.subgroupMinSize || null,
    subgroupMaxSize: extra?.subgroupMaxSize || null,
    isFallbackAdapter: extra?.isFallbackAdapter === true || fallback || SOFTWARE_ADAPTER.test(`${vendor} ${architecture} ${device} ${description}`),
  };
}

/** How to tell why a browser offers no WebGPU, for the error that says it does not. */
const NO_WEBGPU_HELP =
  'In a browser, check that (1) WebGPU is enabled (Chromium on Linux: start it with --enable-unsafe-webgpu) and ' +
  '(2) the page is a secure context (https, or http://localhost / http://127.0.0.1; never file://): `window.isSecureContext`. ' +
  'In Node, pass `gpu` (e.g. Dawn\'s `webgpu` package). Or use backend: \'cpu\'. See docs/testing-in-headless-chrome.md.';

/** The refusal of a software adapter under `requireHardware`. */
export function softwareAdapterRefused(info: AdapterInfo): BackendUnavailableError {
  const name = [info.vendor, info.architecture].filter(Boolean).join('/') || 'unnamed';
  return new BackendUnavailableError(
    'createContext',
    `requireHardware is set and the adapter (${name}) is a software one that emulates a GPU on the CPU`,
  );
}

export async function requestDevice(gpu: GPU | undefined, requireHardware = false): Promise<{ device: GPUDevice; info: AdapterInfo }> {
  const op = 'createContext';
  if (!gpu) {
    const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
    const where = secure === false ? ' This page is NOT a secure context.' : '';
    throw new BackendUnavailableError(op, `WebGPU is not available here (navigator.gpu is undefined).${where} ${NO_WEBGPU_HELP}`);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new BackendUnavailableError(
      op,
      'navigator.gpu.requestAdapter() found no adapter: WebGPU is enabled but no GPU or driver can serve it ' +
        '(Chromium without a GPU needs its Vulkan software driver, SwiftShader, which Debian\'s chromium package includes; ' +
        'chrome://gpu lists what it found)',
    );
  }
  const info = describeAdapter(adapter.info, (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter === true);
  if (requireHardware && info.isFallbackAdapter) throw softwareAdapterRefused(info);
  const requiredLimits: Record<string, number> = {};
  for (const name of RAISED_LIMITS) {
    const value = (adapter.limits as unknown as Record<string, number | undefined>)[name];
    if (typeof value === 'number') requiredLimits[name] = value;
  }
  const requiredFeatures = OPTIONAL_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ label: 'webgpu-nn', requiredLimits, requiredFeatures });
  return { device, info };
}
