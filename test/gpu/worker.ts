/**
 * A dedicated worker that runs webgpu-nn (loaded from source through vite) on a message and posts
 * the result back: `softmax`, `fit` (a short XOR fit) or `autotune` (ctx.autotune of a softmax
 * shape). Used by worker.test.ts.
 */
import { createContext, Sequential, Dense, Activation, SGD, cpu } from '/src/index.ts';

async function softmax() {
  const ctx = await createContext({ backend: 'webgpu' });
  const x = Float32Array.from({ length: 37 * 19 }, (_, i) => Math.sin(i) * 20);
  const probs = await ctx.softmax(ctx.tensor(x, [37, 19])).read();
  const ref = cpu.softmax(x, [37, 19]);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(probs[i] - ref[i]) - 1e-6 * Math.abs(ref[i]));
  ctx.destroy();
  return { backend: ctx.backend, worst, hasLocalStorage: typeof (globalThis as { localStorage?: unknown }).localStorage !== 'undefined' };
}

async function fit() {
  const ctx = await createContext({ backend: 'webgpu' });
  const model = new Sequential();
  model.add(new Dense({ units: 4, inputShape: [2] }));
  model.add(new Activation('tanh'));
  model.add(new Dense({ units: 1 }));
  model.add(new Activation('sigmoid'));
  model.compile({ loss: 'mse', optimizer: new SGD({ learningRate: 0.5 }), seed: 3, context: ctx });
  const history = await model.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]], { epochs: 300, batchSize: 4, seed: 3 });
  const out = model.predict([[0, 0], [0, 1], [1, 0], [1, 1]]);
  const predictions = Array.from(await out.read());
  out.destroy();
  model.dispose();
  ctx.destroy();
  return { first: history.loss[0], last: history.loss[history.loss.length - 1], epochs: history.loss.length, predictions };
}

/** Entries in webgpu-nn's IndexedDB store (0 where there is none yet). */
function storedEntries(): Promise<number> {
  return new Promise((resolve) => {
    const open = indexedDB.open('webgpu-nn');
    open.onsuccess = () => {
      const db = open.result;
      if (!db.objectStoreNames.contains('autotune')) return (db.close(), resolve(0));
      const count = db.transaction('autotune').objectStore('autotune').count();
      count.onsuccess = () => (db.close(), resolve(count.result));
    };
    open.onerror = () => resolve(0);
  });
}

async function autotune() {
  const ctx = await createContext({ backend: 'webgpu' });
  const result = await ctx.autotune('softmax', [512, 256]);
  ctx.destroy();
  // The write to IndexedDB completes in the background: wait for it before the test ends this
  // worker (a terminated worker's unfinished transaction is lost).
  let persisted = false;
  for (let i = 0; i < 100 && !persisted; i++) {
    persisted = (await storedEntries()) > 0;
    if (!persisted) await new Promise((r) => setTimeout(r, 50));
  }
  return { source: result.source, variant: result.variant, persisted };
}

const tasks: Record<string, () => Promise<unknown>> = { softmax, fit, autotune };

self.onmessage = async (event: MessageEvent<string>) => {
  try {
    self.postMessage({ ok: true, result: await tasks[event.data]() });
  } catch (error) {
    self.postMessage({ ok: false, error: `${(error as Error).name}: ${(error as Error).message}` });
  }
};
