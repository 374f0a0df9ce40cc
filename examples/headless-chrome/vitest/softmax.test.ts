// A test of your own code that runs in the browser on the GPU. It fails, rather than passing on
// the CPU, when Chromium has no WebGPU adapter: `backend: 'webgpu'` never falls back.
import { expect, test } from 'vitest';
import { createContext } from 'webgpu-nn';

test('softmax of a batch runs on WebGPU', async () => {
  const ctx = await createContext({ backend: 'webgpu' });
  try {
    expect(ctx.backend).toBe('webgpu');
    const probs = await ctx.softmax(ctx.tensor([[1, 2, 3], [0, 0, -Infinity]])).read();
    const expected = [0.09003057, 0.24472847, 0.66524096, 0.5, 0.5, 0];
    expected.forEach((p, i) => expect(probs[i]).toBeCloseTo(p, 6));
  } finally {
    ctx.destroy();
  }
});
