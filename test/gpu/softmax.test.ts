import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, expectClose, type GpuPage } from './page';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPage();
});
afterAll(async () => {
  await gpu?.close();
});

describe('softmax on webgpu', () => {
  it('runs on a webgpu context', async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const y = ctx.softmax(ctx.tensor([[1000, 1000], [1e30, 0]]));
      const out = Array.from(await y.read());
      ctx.destroy();
      return { backend: ctx.backend, out };
    });
    expect(r.backend).toBe('webgpu');
    expect(r.out).toEqual([0.5, 0.5, 1, 0]);
  });
});
