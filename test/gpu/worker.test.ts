/**
 * webgpu-nn in a dedicated Web Worker (no DOM, no localStorage): a softmax and a short fit on the
 * GPU, and autotuning results that persist in IndexedDB from one worker to the next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, type GpuPage } from './page';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPage();
});
afterAll(async () => {
  await gpu?.close();
});

/** Runs `tasks` in order in one new worker each, in the page; resolves with their results. */
function inWorkers(tasks: string[]) {
  return gpu.run(async (_nn, _util, tasks) => {
    const results = [];
    for (const task of tasks) {
      const worker = new Worker(new URL('/test/gpu/worker.ts', location.origin), { type: 'module' });
      results.push(
        await new Promise<{ ok: boolean; result?: unknown; error?: string }>((resolve) => {
          worker.onmessage = (e) => resolve(e.data);
          worker.onerror = (e) => resolve({ ok: false, error: e.message });
          worker.postMessage(task);
        }),
      );
      worker.terminate();
    }
    return results;
  }, tasks);
}

describe('webgpu-nn in a dedicated worker', () => {
  it('computes a softmax on WebGPU that matches the CPU reference', async () => {
    const [r] = await inWorkers(['softmax']);
    expect(r.ok, r.error).toBe(true);
    expect(r.result).toEqual({ backend: 'webgpu', worst: expect.any(Number), hasLocalStorage: false });
    expect((r.result as { worst: number }).worst).toBeLessThanOrEqual(1e-6);
  });

  it('trains a small model and predicts', async () => {
    const [r] = await inWorkers(['fit']);
    expect(r.ok, r.error).toBe(true);
    const { first, last, epochs, predictions } = r.result as { first: number; last: number; epochs: number; predictions: number[] };
    expect(epochs).toBe(300);
    expect(last).toBeLessThan(first);
    expect(predictions).toHaveLength(4);
    for (const p of predictions) expect(p > 0 && p < 1).toBe(true);
  });

  it('persists autotuning results in IndexedDB: a second worker finds what the first measured', async () => {
    await gpu.run(() => new Promise<void>((resolve) => {
      const r = indexedDB.deleteDatabase('webgpu-nn');
      r.onsuccess = r.onerror = r.onblocked = () => resolve();
    }));
    const [first] = await inWorkers(['autotune']);
    expect(first.ok, first.error).toBe(true);
    expect(first.result).toEqual({ source: 'measured', variant: expect.any(String), persisted: true });
    const [second] = await inWorkers(['autotune']);
    expect(second.ok, second.error).toBe(true);
    expect(second.result).toEqual({ source: 'stored', variant: (first.result as { variant: string }).variant, persisted: true });
  });
});
