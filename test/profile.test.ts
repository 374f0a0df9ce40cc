/**
 * The adapter profile, decided in one place (src/gpu/profile.ts), with mocked adapters: directly,
 * and through createContext with a mocked navigator.gpu, down to the rules that read it.
 */
import { describe, expect, it } from 'vitest';
import { adapterProfile } from '../src/gpu/profile';
import { describeAdapter } from '../src/gpu/device';
import { createContext } from '../src/index';
import { softmaxVariants } from '../src/ops/softmax/variants';
import { logSoftmaxVariants } from '../src/ops/rowwise/definition';
import { softmaxCrossEntropyVariants } from '../src/ops/crossentropy/variants';

const ADAPTERS: [Partial<GPUAdapterInfo>, 'swiftshader' | 'gpu'][] = [
  [{ vendor: 'google', architecture: 'swiftshader', description: '' }, 'swiftshader'],
  [{ vendor: 'google', architecture: '', description: 'SwiftShader Device (Subzero)' }, 'swiftshader'],
  [{ vendor: 'SwiftShader', architecture: '', description: '' }, 'swiftshader'],
  [{ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H200' }, 'gpu'],
  [{ vendor: 'apple', architecture: 'metal-3', description: '' }, 'gpu'],
  [{ vendor: 'intel', architecture: 'gen-12lp', description: 'Intel(R) Xe Graphics' }, 'gpu'],
  [{}, 'gpu'],
];

/** A navigator.gpu whose one adapter reports `info`, with the device members a context touches before running an op. */
function mockGpu(info: Partial<GPUAdapterInfo>): GPU {
  const limits = {
    maxBufferSize: 2 ** 28,
    maxStorageBufferBindingSize: 2 ** 27,
    maxComputeWorkgroupStorageSize: 16384,
    maxTextureDimension2D: 8192,
    minUniformBufferOffsetAlignment: 256,
    maxComputeWorkgroupsPerDimension: 65535,
  };
  const device = {
    limits,
    features: new Set<string>(),
    lost: new Promise(() => {}),
    addEventListener: () => {},
    createBuffer: (d: GPUBufferDescriptor) => ({ size: d.size, destroy() {} }),
    destroy: () => {},
  };
  const adapter = { info, limits, features: new Set<string>(), requestDevice: async () => device };
  return { requestAdapter: async () => adapter } as unknown as GPU;
}

describe('adapter profile', () => {
  it.each(ADAPTERS)('classifies %o as %s', (info, profile) => {
    expect(adapterProfile(describeAdapter(info))).toBe(profile);
  });

  it.each(ADAPTERS)('reaches the context and the op rules for %o', async (info, profile) => {
    const ctx = await createContext({ backend: 'webgpu', gpu: mockGpu(info) });
    const gpu = ctx.gpu!;
    expect(ctx.backend).toBe('webgpu');
    expect(gpu.profile).toBe(profile);
    // Long rows of a multiple of 4: one invocation per row on SwiftShader, a workgroup per row elsewhere.
    const rows = { outer: 4096, length: 1024, inner: 1 };
    expect(softmaxVariants.rule(gpu, rows)).toBe(profile === 'swiftshader' ? 'rows-vec4' : 'workgroup');
    expect(logSoftmaxVariants.rule(gpu, rows)).toBe(profile === 'swiftshader' ? 'rows-vec4' : 'workgroup');
    expect(softmaxCrossEntropyVariants.rule(gpu, { rows: 4096, cols: 1024 })).toBe(profile === 'swiftshader' ? 'rows-vec4' : 'workgroup');
    ctx.destroy();
  });
});
