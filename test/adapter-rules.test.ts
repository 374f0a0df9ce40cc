/**
 * The rules per adapter profile, on mocked adapters (no device runs): the SwiftShader-only kernels
 * (shaders/swiftshader/: the lanes GEMM family, rows-split) are picked only on SwiftShader, and
 * the per-line kernels' workgroup size is SwiftShader's rule there and at least 64 elsewhere.
 */
import { describe, expect, it } from 'vitest';
import { perLineWorkgroupSize } from '../src/ops/shared/per-line';
import { rowMajorGemm } from '../src/ops/matmul/kernels';
import { chooseGemmVariant } from '../src/ops/matmul/variants';
import { chooseSoftmaxVariant } from '../src/ops/softmax/variants';
import { GpuRuntime } from '../src/gpu/runtime';
import { describeAdapter } from '../src/gpu/device';

/** A GpuRuntime over a device object that only the constructor and the rules touch. */
function runtimeFor(vendor: string, architecture: string, subgroupSize: number): GpuRuntime {
  const device = {
    limits: { minUniformBufferOffsetAlignment: 256, maxBufferSize: 1 << 30, maxStorageBufferBindingSize: 1 << 27, maxComputeWorkgroupsPerDimension: 65535, maxTextureDimension2D: 8192, maxComputeWorkgroupStorageSize: 16384 },
    features: new Set<string>(['subgroups']),
    lost: new Promise(() => {}),
    queue: { writeBuffer() {}, submit() {}, onSubmittedWorkDone: async () => {} },
    createBuffer: (d: GPUBufferDescriptor) => ({ size: d.size, destroy() {} }),
    addEventListener() {},
    destroy() {},
  };
  const info = describeAdapter({ vendor, architecture, subgroupMinSize: subgroupSize, subgroupMaxSize: subgroupSize } as Partial<GPUAdapterInfo>);
  return new GpuRuntime(device as unknown as GPUDevice, info, false);
}

const SWIFTSHADER = runtimeFor('google', 'swiftshader', 4);
/** GPUs, one of them with subgroups of 4 as SwiftShader has: the profile decides, not the size. */
const GPUS = [runtimeFor('nvidia', 'hopper', 32), runtimeFor('amd', 'rdna-3', 64), runtimeFor('qualcomm', 'adreno-7xx', 4)];
const LINES = [1, 3, 63, 64, 255, 256, 1023, 1024, 70_000];
const GEMMS = [rowMajorGemm(1, 1, 1), rowMajorGemm(128, 256, 10), rowMajorGemm(1024, 1024, 1024), rowMajorGemm(4, 784, 4096), rowMajorGemm(70_000, 20, 10)];
const SOFTMAX_ROWS = [
  { outer: 1, length: 1 << 20, inner: 1 },
  { outer: 4, length: 65536, inner: 1 },
  { outer: 4096, length: 1024, inner: 1 },
  { outer: 64, length: 10, inner: 1 },
];

describe('rules per adapter profile (mocked adapters)', () => {
  it('profiles: SwiftShader by its adapter info, everything else a GPU', () => {
    expect(SWIFTSHADER.profile).toBe('swiftshader');
    for (const gpu of GPUS) expect(gpu.profile, gpu.info.vendor).toBe('gpu');
  });

  it('on SwiftShader the GEMM rule picks the lanes kernels, and rows-split for a few long rows', () => {
    for (const layout of GEMMS) expect(chooseGemmVariant(SWIFTSHADER, layout)).toMatch(/^lanes/);
    expect(chooseSoftmaxVariant(SWIFTSHADER, SOFTMAX_ROWS[0])).toBe('rows-split');
  });

  it('on other adapters the SwiftShader-only kernels are never picked', () => {
    for (const gpu of GPUS) {
      for (const layout of GEMMS) expect(chooseGemmVariant(gpu, layout), gpu.info.vendor).toMatch(/^tiled-/);
      for (const layout of SOFTMAX_ROWS) expect(chooseSoftmaxVariant(gpu, layout), gpu.info.vendor).not.toBe('rows-split');
    }
  });

  it('per-line kernels on SwiftShader: 64 invocations, or 16 / 4 when 64 would leave under 16 workgroups', () => {
    expect(LINES.map((n) => perLineWorkgroupSize(n, SWIFTSHADER.profile))).toEqual([4, 4, 4, 4, 4, 16, 16, 64, 64]);
  });

  it('per-line kernels on other adapters: at least 64 invocations whatever the line count', () => {
    for (const gpu of GPUS) for (const n of LINES) expect(perLineWorkgroupSize(n, gpu.profile), `${gpu.info.vendor} ${n} lines`).toBeGreaterThanOrEqual(64);
  });
});
