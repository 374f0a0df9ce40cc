/**
 * Adapter honesty (mocked adapters): which adapters count as software ones, `requireHardware`,
 * and createContext's errors when WebGPU is missing, which name the likely causes.
 */
import { describe, expect, it, vi } from 'vitest';
import { createContext, BackendUnavailableError, ArgumentError } from '../src/index';
import { describeAdapter } from '../src/gpu/device';

/** A `GPU` whose adapter reports `info` (and, optionally, the older adapter-level flag). */
function mockGpu(info: Partial<GPUAdapterInfo> & { isFallbackAdapter?: boolean }, adapterFlag?: boolean): { gpu: GPU; requestDevice: ReturnType<typeof vi.fn> } {
  const requestDevice = vi.fn(async () => {
    throw new Error('requestDevice should not be reached');
  });
  const adapter = { info, features: new Set(), limits: {}, requestDevice, ...(adapterFlag === undefined ? {} : { isFallbackAdapter: adapterFlag }) };
  return { gpu: { requestAdapter: async () => adapter } as unknown as GPU, requestDevice };
}

describe('adapterInfo.isFallbackAdapter', () => {
  it('is what the adapter reports, or a known software implementation by name', () => {
    expect(describeAdapter({ vendor: 'google', architecture: 'swiftshader' }).isFallbackAdapter).toBe(true);
    expect(describeAdapter({ vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } as GPUAdapterInfo).isFallbackAdapter).toBe(true);
    expect(describeAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' } as GPUAdapterInfo).isFallbackAdapter).toBe(true);
    expect(describeAdapter({ vendor: 'acme', architecture: 'soft', isFallbackAdapter: true } as GPUAdapterInfo).isFallbackAdapter).toBe(true);
    expect(describeAdapter({ vendor: 'acme', architecture: 'soft' }, true).isFallbackAdapter).toBe(true);
    expect(describeAdapter({ vendor: 'nvidia', architecture: 'hopper' }).isFallbackAdapter).toBe(false);
    expect(describeAdapter({ vendor: 'apple', architecture: 'common-3', isFallbackAdapter: false } as GPUAdapterInfo).isFallbackAdapter).toBe(false);
    expect(describeAdapter(undefined).isFallbackAdapter).toBe(false);
  });
});

describe('createContext({ requireHardware })', () => {
  it("rejects a software adapter with backend 'webgpu', naming it, before requesting a device", async () => {
    const { gpu, requestDevice } = mockGpu({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true });
    const error = await createContext({ backend: 'webgpu', gpu, requireHardware: true }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/^createContext: requireHardware is set and the adapter \(google\/swiftshader\) is a software one/);
    expect(requestDevice).not.toHaveBeenCalled();
  });

  it("falls back to the cpu backend with 'auto', saying why", async () => {
    const { gpu } = mockGpu({ vendor: 'acme', architecture: 'emulator' }, true);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const ctx = await createContext({ gpu, requireHardware: true });
      expect(ctx.backend).toBe('cpu');
      expect(ctx.fallbackReason).toMatch(/requireHardware is set and the adapter \(acme\/emulator\) is a software one/);
      ctx.destroy();
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses a software device passed in', async () => {
    const device = {
      adapterInfo: { vendor: 'google', architecture: 'swiftshader' },
      createBuffer() {},
      createComputePipeline() {},
      queue: {},
      limits: {},
      lost: new Promise(() => {}),
    } as unknown as GPUDevice;
    await expect(createContext({ backend: 'webgpu', device, requireHardware: true })).rejects.toThrow(BackendUnavailableError);
  });

  it('is a boolean', async () => {
    await expect(createContext({ backend: 'cpu', requireHardware: 'yes' as unknown as boolean })).rejects.toThrow(
      new ArgumentError('createContext', "options.requireHardware must be true or false, got \"yes\""),
    );
  });
});

describe("createContext({ backend: 'webgpu' }) without WebGPU", () => {
  it('names the flag, the secure origin and the cpu backend when there is no navigator.gpu', async () => {
    const error = await createContext({ backend: 'webgpu' }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/navigator\.gpu is undefined/);
    expect(error.message).toMatch(/--enable-unsafe-webgpu/);
    expect(error.message).toMatch(/secure context/);
    expect(error.message).toMatch(/backend: 'cpu'/);
  });

  it('says what to check when the browser has WebGPU but no adapter', async () => {
    const gpu = { requestAdapter: async () => null } as unknown as GPU;
    const error = await createContext({ backend: 'webgpu', gpu }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendUnavailableError);
    expect(error.message).toMatch(/found no adapter: WebGPU is enabled but no GPU or driver can serve it/);
    expect(error.message).toMatch(/chrome:\/\/gpu/);
  });
});
