/**
 * Saving and loading in the browser (the shared test page, its webgpu context): IndexedDB and
 * localStorage round trips with listModels / removeModel, a full localStorage quota, downloads
 * (intercepted) loaded back as File objects, and http through the test server (the Keras 2
 * fixture, whose expected outputs TF.js computed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expectClose, openGpuPageWithContext, type GpuPage } from './page';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPageWithContext();
});
afterAll(async () => {
  await gpu?.close();
});

/** A small trained-looking model on the page's context, its predictions, and the inputs. */
const SETUP = `
  const ctx = window.ctx;
  const x = [[0.5, -1, 2], [1.5, 0.25, -0.75]];
  const model = new nn.Sequential([new nn.Dense({ units: 4, inputShape: [3], activation: 'leakyRelu', alpha: 0.1 }), new nn.Dense({ units: 2, activation: 'softmax' })]);
  model.compile({ loss: 'categoricalCrossentropy', optimizer: new nn.Adam({ learningRate: 0.01 }), seed: 7, context: ctx });
  const expected = Array.from(await model.predict(x).read());
`;

describe('browser destinations', () => {
  it('indexeddb:// round trip, listed and removed', async () => {
    const r = await gpu.run(
      async (nn, _util, { setup }) => {
        const { model, x, expected, ctx } = await new Function('nn', `return (async () => { ${setup}; return { model, x, expected, ctx }; })()`)(nn);
        const saved = await model.save('indexeddb://io-test');
        const listed = Object.keys(await nn.listModels()).includes('indexeddb://io-test');
        const copy = await nn.loadModel('indexeddb://io-test', { context: ctx });
        const predicted = Array.from(await copy.predict(x).read());
        await nn.removeModel('indexeddb://io-test');
        const afterRemove = Object.keys(await nn.listModels()).includes('indexeddb://io-test');
        const missing = await nn.loadModel('indexeddb://io-test').then(() => null, (e: Error) => `${e.name}: ${e.message}`);
        model.dispose();
        copy.dispose();
        return { info: saved.modelArtifactsInfo.weightDataBytes, listed, afterRemove, predicted, expected, compiled: copy.loadInfo, missing };
      },
      { setup: SETUP },
    );
    expect(r.info).toBe((12 + 4 + 8 + 2) * 4);
    expect([r.listed, r.afterRemove]).toEqual([true, false]);
    expect(r.predicted).toEqual(r.expected);
    expect(r.compiled).toEqual({ compiled: true, reason: null });
    expect(r.missing).toBe('ModelIOError: loadModel: indexeddb://io-test: no model of that name in IndexedDB');
  });

  it('localstorage:// round trip; a full quota is a ModelIOError that leaves nothing behind', async () => {
    const r = await gpu.run(
      async (nn, _util, { setup }) => {
        const { model, x, expected, ctx } = await new Function('nn', `return (async () => { ${setup}; return { model, x, expected, ctx }; })()`)(nn);
        await model.save('localstorage://io-test');
        const listed = Object.keys(await nn.listModels()).includes('localstorage://io-test');
        const copy = await nn.loadModel('localstorage://io-test', { context: ctx });
        const predicted = Array.from(await copy.predict(x).read());
        await nn.removeModel('localstorage://io-test');
        const keysAfterRemove = Object.keys(localStorage).filter((k) => k.includes('io-test'));
        // Fill the quota until the browser refuses even one more character, then save.
        let filled = 0;
        for (let size = 256 * 1024; size >= 1; size = Math.floor(size / 2)) {
          const chunk = 'x'.repeat(size);
          for (;;) {
            try {
              localStorage.setItem(`filler-${filled}`, chunk);
              filled++;
            } catch {
              break;
            }
          }
        }
        const memoryBefore = ctx.memory();
        const error = await model.save('localstorage://io-full').then(() => null, (e: Error) => `${e.name}: ${e.message}`);
        const keysAfterFailure = Object.keys(localStorage).filter((k) => k.includes('io-full'));
        const memoryAfter = ctx.memory();
        for (let i = 0; i < filled; i++) localStorage.removeItem(`filler-${i}`);
        model.dispose();
        copy.dispose();
        return { listed, predicted, expected, keysAfterRemove, filled, error, keysAfterFailure, memorySame: JSON.stringify(memoryBefore) === JSON.stringify(memoryAfter) };
      },
      { setup: SETUP },
    );
    expect(r.listed).toBe(true);
    expect(r.predicted).toEqual(r.expected);
    expect(r.keysAfterRemove).toEqual([]);
    expect(r.filled).toBeGreaterThan(0);
    expect(r.error).toMatch(/^ModelIOError: save: localstorage:\/\/io-full: localStorage refused the model/);
    expect(r.keysAfterFailure).toEqual([]);
    expect(r.memorySame).toBe(true);
  });

  it('downloads:// writes model.json and the weights (intercepted), which load back as File objects', async () => {
    const r = await gpu.run(
      async (nn, _util, { setup }) => {
        const { model, x, expected, ctx } = await new Function('nn', `return (async () => { ${setup}; return { model, x, expected, ctx }; })()`)(nn);
        const clicked: { download: string; href: string }[] = [];
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
          clicked.push({ download: this.download, href: this.href });
        };
        try {
          await model.save('downloads://my-model');
        } finally {
          HTMLAnchorElement.prototype.click = click;
        }
        const files = await Promise.all(clicked.map(async (c) => new File([await (await fetch(c.href)).blob()], c.download)));
        const json = JSON.parse(await files[0].text());
        const copy = await nn.loadModel(files, { context: ctx });
        const predicted = Array.from(await copy.predict(x).read());
        const missing = await nn.loadModel([files[0]]).then(() => null, (e: Error) => `${e.name}: ${e.message}`);
        model.dispose();
        copy.dispose();
        return { names: files.map((f) => f.name), sizes: files.map((f) => f.size), paths: json.weightsManifest[0].paths, predicted, expected, missing };
      },
      { setup: SETUP },
    );
    expect(r.names).toEqual(['my-model.json', 'my-model.weights.bin']);
    expect(r.sizes[1]).toBe((12 + 4 + 8 + 2) * 4);
    expect(r.paths).toEqual(['./my-model.weights.bin']);
    expect(r.predicted).toEqual(r.expected);
    expect(r.missing).toBe('ModelIOError: loadModel: my-model.json names the weight file ./my-model.weights.bin, which is not among the files given (none)');
  });

  it('http(s)://: the Keras 2 fixture through the test server gives the outputs TF.js computed', async () => {
    const expected = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/keras2-mlp/expected.json'), 'utf8')) as { inputs: number[][]; outputs: number[][] };
    const r = await gpu.run(
      async (nn, util, { inputs, outputs }) => {
        const ctx = (window as unknown as { ctx: never }).ctx;
        const model = await nn.loadModel(`${location.origin}/test/fixtures/keras2-mlp/model.json`, { context: ctx });
        const predicted = await model.predict(inputs).read();
        model.dispose();
        return util.compare(predicted, new Float32Array(outputs.flat()), 1e-5, 1e-4);
      },
      expected,
    );
    expectClose('Keras 2 fixture over http', r);
  });
});
