/** Adapter honesty on the browser's real adapter: the flag, and requireHardware's refusal. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, type GpuPage } from './page';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPage();
});
afterAll(async () => {
  await gpu?.close();
});

describe('adapterInfo.isFallbackAdapter in Chromium', () => {
  it('agrees with the browser and refuses the adapter under requireHardware when it is a software one', async () => {
    const result = await gpu.run(async (nn) => {
      const adapter = await navigator.gpu.requestAdapter();
      const browserSays = (adapter!.info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const info = ctx.adapterInfo!;
      ctx.destroy();
      const refused = await nn
        .createContext({ backend: 'webgpu', requireHardware: true })
        .then((c) => (c.destroy(), null))
        .catch((e: Error) => ({ name: e.name, message: e.message }));
      return { browserSays, architecture: info.architecture, flag: info.isFallbackAdapter, refused };
    });
    expect(result.flag).toBe(result.browserSays || result.architecture === 'swiftshader');
    if (result.flag) {
      expect(result.refused).toEqual({ name: 'BackendUnavailableError', message: expect.stringMatching(/requireHardware is set and the adapter .* is a software one/) });
    } else {
      expect(result.refused).toBeNull();
    }
  });
});
