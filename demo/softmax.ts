/**
 * The softmax article, runnable: edit the logits and an upstream gradient; the page shows S, the
 * Jacobian heatmap, the vector-Jacobian product and the lines `npm start` prints (demo/start.ts).
 */
import type { Context } from '../src/index';
import { element, pageContext, setStatus, start } from './site';
import { matrixHeatmap, probabilityBars } from './charts';
import { float32Text, parseLogits, serialized } from './playground-input';
import { jacobianExample, seeded } from './start';

const logitsInput = element<HTMLInputElement>('logits');
const vectorInput = element<HTMLInputElement>('vector');
const SEEDED = seeded(5, 5, -2, 2);
const SEEDED_TEXT = Array.from(SEEDED, float32Text).join(', ');

async function update(ctx: Context, baseStatus: string): Promise<void> {
  const logits = parseLogits(logitsInput.value);
  const v = parseLogits(vectorInput.value);
  if (v.length !== logits.length) throw new Error(`v has ${v.length} entries and x has ${logits.length}: give them the same length.`);
  const x = Float32Array.from(logits);
  const origin = logitsInput.value === SEEDED_TEXT ? 'seeded logits' : 'your logits';
  const { probs, jacobian, lines } = await jacobianExample(ctx, x, origin);
  const s = ctx.tensor(probs);
  const dy = ctx.tensor(v);
  const vjpTensor = ctx.softmaxVjp(s, dy);
  let vjp: Float32Array;
  try {
    vjp = Float32Array.from(await vjpTensor.read());
  } finally {
    s.destroy();
    dy.destroy();
    vjpTensor.destroy();
  }
  const n = logits.length;
  const fromJ = Array.from({ length: n }, (_, j) => v.reduce((acc, vi, i) => acc + vi * jacobian[i * n + j], 0));
  element('vjp').innerHTML = '<thead><tr><th scope="col">j</th><th scope="col">v_j</th><th scope="col">softmaxVjp(S, v)_j</th><th scope="col">(vᵀJ)_j</th><th scope="col">difference</th></tr></thead><tbody>' +
    Array.from({ length: n }, (_, j) => `<tr><td>${j}</td><td>${v[j]}</td><td>${vjp[j].toFixed(8)}</td><td>${fromJ[j].toFixed(8)}</td><td>${Math.abs(vjp[j] - fromJ[j]).toExponential(1)}</td></tr>`).join('') + '</tbody>';
  probabilityBars(element('probs-chart'), probs);
  matrixHeatmap(element('jacobian-chart'), jacobian, n, 'J[i][j] = dS_i/dx_j');
  element('printed').textContent = lines.join('\n').replace(/^\n/, '');
  setStatus(baseStatus);
}

start(async () => {
  logitsInput.value = SEEDED_TEXT;
  vectorInput.value = Array.from(SEEDED, (_, i) => (i === 0 ? '1' : '0')).join(', ');
  const ctx = await pageContext({ cpuOk: true });
  const baseStatus = element('status').textContent ?? '';
  const refresh = serialized(() => update(ctx, baseStatus));
  logitsInput.addEventListener('input', refresh);
  vectorInput.addEventListener('input', refresh);
  await update(ctx, baseStatus);
});
