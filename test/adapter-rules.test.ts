/** The per-line kernels' workgroup size, per adapter profile (mocked adapters: no device runs). */
import { describe, expect, it } from 'vitest';
import { perLineWorkgroupSize } from '../src/kernels/per-line';
import { GpuRuntime } from '../src/gpu/runtime';
import { describeAdapter } from '../src/gpu/device';

/** A GpuRuntime over a device object that only the constructor touches. */
function runtimeFor(vendor: string, architecture: string): GpuRuntime {
  const device = {
    limits: { minUniformBufferOffsetAlignment: 256, maxBufferSize: 1 << 30, maxComputeWorkgroupsPerDimension: 65535 },
    features: new Set<string>(),
    lost: new Promise(() => {}),
    queue: { writeBuffer() {}, submit() {}, onSubmittedWorkDone: async () => {} },
    createBuffer: (d: GPUBufferDescriptor) => ({ size: d.size, destroy() {} }),
    addEventListener() {},
    destroy() {},
  };
  return new GpuRuntime(device as unknown as GPUDevice, describeAdapter({ vendor, architecture }), false);
}

const LINES = [1, 3, 63, 64, 255, 256, 1023, 1024, 70_000];

describe('perLineWorkgroupSize', () => {
  it('on SwiftShader: 64, or 16 / 4 when 64 would leave under 16 workgroups', () => {
    const gpu = runtimeFor('google', 'swiftshader');
    expect(gpu.profile).toBe('swiftshader');
    expect(LINES.map((n) => perLineWorkgroupSize(n, gpu.profile))).toEqual([4, 4, 4, 4, 4, 16, 16, 64, 64]);
  });

  it('on other adapters: at least 64 invocations whatever the line count', () => {
    for (const [vendor, architecture] of [['nvidia', 'hopper'], ['apple', 'metal-3'], ['amd', 'rdna-3'], ['intel', 'gen-12lp']]) {
      const gpu = runtimeFor(vendor, architecture);
      expect(gpu.profile, vendor).toBe('gpu');
      for (const n of LINES) expect(perLineWorkgroupSize(n, gpu.profile), `${vendor} ${n} lines`).toBeGreaterThanOrEqual(64);
    }
  });
});
