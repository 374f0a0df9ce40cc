/**
 * The XOR article, runnable: examples/xor.ts itself (the run `npm run example:xor` makes), its
 * printed lines, the loss, the predictions and the trained network's decision boundary.
 */
import type { Context, Sequential } from '../src/index';
import { XOR_SETTINGS, XOR_X, XOR_Y, main as trainXor } from '../examples/xor';
import { element, markReady, pageContext, setStatus, showError, start } from './site';
import { decisionMap, gridPoints, lineChart } from './charts';

const GRID = 64;
const RANGE: [number, number] = [-0.25, 1.25];

async function drawBoundary(model: Sequential): Promise<void> {
  const out = model.predict(gridPoints(GRID, RANGE));
  try {
    const values = await out.read();
    const points = XOR_X.map(([x, y], i) => ({ x, y, label: XOR_Y[i][0] }));
    decisionMap(element<HTMLCanvasElement>('boundary'), values, GRID, points, RANGE, 9);
  } finally {
    out.destroy();
  }
}

async function train(ctx: Context, baseStatus: string): Promise<void> {
  const button = element<HTMLButtonElement>('train');
  button.disabled = true;
  const printed: string[] = [];
  try {
    setStatus(`Training ${XOR_SETTINGS.epochs.toLocaleString('en')} epochs on ${ctx.backend}…`);
    const result = await trainXor({ context: ctx, log: (line) => printed.push(line), onTrained: drawBoundary });
    element('summary').textContent = result.summary;
    element('printed').textContent = printed.join('\n');
    lineChart(element('loss-chart'), [{ name: 'loss', points: result.losses.map((l) => ({ x: l.epoch, y: l.loss })) }], 'epoch', 'mean squared error');
    element('predictions').innerHTML = '<thead><tr><th scope="col">input</th><th scope="col">target</th><th scope="col">prediction</th><th scope="col">rounded</th></tr></thead><tbody>' +
      XOR_X.map((x, i) => `<tr><td>[${x.join(', ')}]</td><td>${XOR_Y[i][0]}</td><td>${result.predictions[i].toFixed(4)}</td><td>${Math.round(result.predictions[i])}</td></tr>`).join('') + '</tbody>';
    setStatus(`${baseStatus} ${XOR_SETTINGS.epochs.toLocaleString('en')} epochs in ${(result.fitMs / 1000).toFixed(2)} s (training path: ${result.path ?? 'layerwise'}).`);
  } finally {
    button.disabled = false;
  }
}

start(async () => {
  const ctx = await pageContext({ cpuOk: true });
  const baseStatus = element('status').textContent ?? '';
  element('train').addEventListener('click', () => {
    window.demo.ready = false;
    train(ctx, baseStatus).then(markReady, showError);
  });
  await train(ctx, baseStatus);
});
