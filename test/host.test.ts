/** Host-side logic of the webgpu backend, with a mocked GPUDevice where a real one is not needed. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { foldGrid } from '../src/gpu/grid';
import { storageSize } from '../src/gpu/buffer-pool';
import { VariantRegistry } from '../src/ops/variants';
import { defineVariants } from '../src/ops/definition';
import { GpuRuntime } from '../src/gpu/runtime';
import { describeAdapter } from '../src/gpu/device';
import { GPUOperationError } from '../src/errors';
import { subRange, wholeVec4s } from '../src/gpu/recorder';
import { tensorRange } from '../src/gpu/tensor-range';
import type { Tensor } from '../src/tensor';

describe('foldGrid', () => {
  it('keeps small grids 1-D and folds large ones so that every workgroup exists', () => {
    expect(foldGrid(1, 65535)).toEqual([1, 1, 1]);
    expect(foldGrid(65535, 65535)).toEqual([65535, 1, 1]);
    for (const n of [65536, 1_000_000, 78125, 65535 * 65535 + 7]) {
      const [x, y, z] = foldGrid(n, 65535);
      expect(Math.max(x, y, z)).toBeLessThanOrEqual(65535);
      expect(x * y * z).toBeGreaterThanOrEqual(n);
      // Not wasteful: dropping one y-layer (or z-layer) would not cover n.
      expect(x * (y - 1) * z < n || x * y * (z - 1) < n).toBe(true);
    }
  });
});

describe('storageSize', () => {
  it('rounds to 16 bytes, at least 16', () => {
    expect([0, 4, 16, 17, 100].map(storageSize)).toEqual([16, 16, 16, 32, 112]);
  });
});

describe('tensor ranges', () => {
  const tensor = (buffer: GPUBuffer, offset: number, byteLength: number) => ({ storage: { buffer, offset, data: null }, byteLength }) as unknown as Tensor;

  it("start at the tensor's offset and cover whole vec4s where the buffer has room", () => {
    const pooled = { size: storageSize(20) } as GPUBuffer;
    expect(tensorRange(tensor(pooled, 0, 20))).toEqual({ buffer: pooled, offset: 0, size: 32 });
    const app = { size: 512 + 28 } as GPUBuffer;
    expect(tensorRange(tensor(app, 256, 20))).toEqual({ buffer: app, offset: 256, size: 32 });
    expect(tensorRange(tensor(app, 512, 28))).toEqual({ buffer: app, offset: 512, size: 28 });
    expect(wholeVec4s(subRange(tensorRange(tensor(app, 256, 20)), 16, 4))).toEqual({ buffer: app, offset: 272, size: 16 });
  });

  it('are the only way the library reaches a tensor\'s buffer for GPU work', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
      });
    const direct = ['src', 'bench'].flatMap(files).filter((path) => /\.storage[!?]?\.buffer/.test(readFileSync(path, 'utf8')));
    expect(direct, 'bind, copy and read tensors through tensorRange (src/gpu/tensor-range.ts), which applies their offset').toEqual([]);
  });
});

describe('VariantRegistry', () => {
  it('pins usable variants, falls back to the rule otherwise, and records what ran', () => {
    defineVariants({ op: 'testOp', names: ['a', 'b'], usable: () => true, rule: () => 'a' });
    const reg = new VariantRegistry();
    expect(reg.list('testOp')).toEqual(['a', 'b']);
    expect(reg.resolve('testOp', 'a', () => true)).toBe('a');
    reg.pin('testOp', 'b');
    expect(reg.resolve('testOp', 'a', (v) => v === 'b')).toBe('b');
    expect(reg.resolve('testOp', 'a', () => false)).toBe('a');
    expect(reg.lastUsed('testOp')).toBe('a');
    reg.pin('testOp', 'auto');
    expect(reg.resolve('testOp', 'a', () => true)).toBe('a');
    expect(() => reg.pin('testOp', 'c')).toThrow("setKernelVariant: variant \"c\" is not one of testOp's: auto, a, b");
    // Only ops whose definitions this program imports are known.
    expect(() => reg.list('matmul')).toThrow(/unknown op "matmul"; ops with variants: testOp/);
  });
});

/** The smallest GPUDevice the runtime needs, with scripted error scopes. */
function mockDevice(scopeErrors: (GPUError | null)[]) {
  const pushed: string[] = [];
  const device = {
    limits: { minUniformBufferOffsetAlignment: 256, maxBufferSize: 1 << 30, maxComputeWorkgroupsPerDimension: 65535 },
    features: new Set<string>(),
    lost: new Promise(() => {}),
    queue: { writeBuffer() {}, submit() {}, onSubmittedWorkDone: async () => {} },
    createBuffer: (d: GPUBufferDescriptor) => ({ size: d.size, destroy() {} }),
    createCommandEncoder: () => ({ finish: () => ({}), beginComputePass: () => ({ end() {} }) }),
    pushErrorScope: (filter: string) => pushed.push(filter),
    popErrorScope: async () => scopeErrors.shift() ?? null,
    addEventListener() {},
    destroy() {},
  };
  return { device: device as unknown as GPUDevice, pushed };
}

describe('GpuRuntime error scopes (mocked device)', () => {
  it('attributes a captured error to the op that recorded it, once', async () => {
    class GPUOutOfMemoryError extends Error {}
    const oom = new GPUOutOfMemoryError('could not allocate 1 GiB') as unknown as GPUError;
    const { device, pushed } = mockDevice([null, null, null, oom]);
    const gpu = new GpuRuntime(device, describeAdapter(undefined), false);
    gpu.captured('softmax', () => {});
    gpu.captured('matmul', () => gpu.captured('inner', () => {}));
    expect(pushed).toEqual(['out-of-memory', 'validation', 'out-of-memory', 'validation']);
    const error = await gpu.checkErrors().catch((e) => e);
    expect(error).toBeInstanceOf(GPUOperationError);
    expect(error.op).toBe('matmul');
    expect(error.kind).toBe('out-of-memory');
    expect(error.message).toBe('matmul: WebGPU out-of-memory error: could not allocate 1 GiB');
    await expect(gpu.checkErrors()).resolves.toBeUndefined();
  });

  it('classifies the adapter profile', () => {
    const { device } = mockDevice([]);
    expect(new GpuRuntime(device, describeAdapter({ vendor: 'google', architecture: 'swiftshader' }), false).profile).toBe('swiftshader');
    expect(new GpuRuntime(device, describeAdapter({ vendor: 'nvidia', architecture: 'hopper' }), false).profile).toBe('gpu');
  });
});
