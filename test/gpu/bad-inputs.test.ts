/** The bad-input table (test/util/bad-inputs.ts) on a webgpu context, in the page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, type GpuPage } from './page';
import type * as BadInputs from '../util/bad-inputs';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPage();
});
afterAll(async () => {
  await gpu?.close();
});

describe('bad inputs on webgpu', () => {
  it("each fails with the library's error naming the call and the argument, and the context keeps working", async () => {
    const results = await gpu.run(async (nn) => {
      // A dynamic import written in the page (vitest would rewrite one written here).
      const load = new Function('url', 'return import(url)') as (url: string) => Promise<typeof BadInputs>;
      const { runBadInputs } = await load('/test/util/bad-inputs.ts');
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const other = await nn.createContext({ backend: 'webgpu' });
      try {
        return await runBadInputs(nn, ctx, other);
      } finally {
        ctx.destroy();
        other.destroy();
      }
    });
    expect(results.length).toBeGreaterThanOrEqual(100);
    expect(results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
  });
});
