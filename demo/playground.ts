/**
 * The softmax playground: edit logits and a temperature, see softmax(x / T) and its Jacobian
 * computed by the library (WebGPU, or the cpu backend without it); time a large batch.
 */
import { cpu, type Context } from '../src/index';
import { element, escapeHtml, pageContext, setStatus, showError, start } from './site';
import { matrixHeatmap, probabilityBars } from './charts';
import { parseLogits, serialized } from './playground-input';

const input = element<HTMLInputElement>('logits');
const temperature = element<HTMLInputElement>('temperature');
const probsTable = element<HTMLTableElement>('probs');

const fixed = (v: number, digits = 6) => (Number.isFinite(v) ? v.toFixed(digits) : String(v));

async function update(ctx: Context, baseStatus: string): Promise<void> {
  const logits = parseLogits(input.value);
  const t = Number(temperature.value);
  element('temperature-value').textContent = t.toFixed(2);
  const z = ctx.tensor(logits.map((v) => v / t));
  const s = ctx.softmax(z);
  const jac = ctx.softmaxJacobian(z);
  try {
    const [probs, jacobian] = await Promise.all([s.read(), jac.read()]);
    probsTable.innerHTML = '<thead><tr><th scope="col">i</th><th scope="col">x_i</th><th scope="col">x_i / T</th><th scope="col">S_i</th></tr></thead><tbody>' +
      logits.map((x, i) => `<tr><td>${i}</td><td>${escapeHtml(String(x))}</td><td>${fixed(x / t, 4)}</td><td>${fixed(probs[i])}</td></tr>`).join('') +
      `</tbody><tfoot><tr><th scope="row">sum</th><td></td><td></td><td>${fixed(probs.reduce((a, b) => a + b, 0))}</td></tr></tfoot>`;
    probabilityBars(element('probs-chart'), probs);
    matrixHeatmap(element('jacobian-chart'), jacobian, logits.length, `J[i][j] = dS_i/dz_j (${logits.length} × ${logits.length})`);
    setStatus(baseStatus);
  } finally {
    z.destroy();
    s.destroy();
    jac.destroy();
  }
}

async function benchmark(ctx: Context): Promise<void> {
  const rows = 4096;
  const cols = 1024;
  const button = element<HTMLButtonElement>('bench');
  button.disabled = true;
  try {
    const data = new Float32Array(rows * cols).map(() => Math.random() * 20 - 10);
    const times: number[] = [];
    // The first run compiles the kernel: time three and show each.
    for (let k = 0; k < 3; k++) {
      const t0 = performance.now();
      const x = ctx.tensor(data, [rows, cols]);
      const y = ctx.softmax(x);
      try {
        await y.read();
      } finally {
        x.destroy();
        y.destroy();
      }
      times.push(performance.now() - t0);
    }
    const t1 = performance.now();
    cpu.softmax(data, [rows, cols]);
    const cpuMs = performance.now() - t1;
    const variant = ctx.lastKernelVariant('softmax') ?? 'cpu backend';
    element('timing').innerHTML = '<thead><tr><th scope="col">what</th><th scope="col">ms</th></tr></thead><tbody>' +
      times.map((ms, k) => `<tr><td>webgpu-nn (${escapeHtml(ctx.backend)}, kernel ${escapeHtml(variant)}), run ${k + 1}${k === 0 ? ' (compiles)' : ''}</td><td>${ms.toFixed(1)}</td></tr>`).join('') +
      `<tr><td>CPU reference, float64 sums</td><td>${cpuMs.toFixed(1)}</td></tr></tbody>`;
  } finally {
    button.disabled = false;
  }
}

start(async () => {
  const ctx = await pageContext({ cpuOk: true });
  const baseStatus = element('status').textContent ?? '';
  const refresh = serialized(() => update(ctx, baseStatus));
  input.addEventListener('input', refresh);
  temperature.addEventListener('input', refresh);
  element('bench').addEventListener('click', () => benchmark(ctx).catch(showError));
  await update(ctx, baseStatus);
});
