/** The softmax playground (demo/index.html): edit logits, see softmax computed on the GPU. */
import { createContext, type Context } from '../src/index';

const status = document.getElementById('status')!;
const input = document.getElementById('logits') as HTMLInputElement;
const probsTable = document.getElementById('probs') as HTMLTableElement;
const timing = document.getElementById('timing')!;

function parseLogits(text: string): number[] {
  return text.split(',').map((t) => t.trim()).filter(Boolean).map((t) => {
    const v = Number(t);
    if (Number.isNaN(v) && t !== 'NaN') throw new Error(`not a number: ${t}`);
    return v;
  });
}

async function update(ctx: Context): Promise<void> {
  try {
    const logits = parseLogits(input.value);
    const probs = await ctx.tidy(() => ctx.softmax(ctx.tensor(logits))).read();
    probsTable.innerHTML = logits
      .map((x, i) => `<tr><td>${x}</td><td>${probs[i].toFixed(6)}</td><td style="width:20rem"><div class="bar" style="width:${(probs[i] * 100) || 0}%"></div></td></tr>`)
      .join('');
    status.className = '';
  } catch (error) {
    status.textContent = String(error);
    status.className = 'error';
  }
}

async function benchmark(ctx: Context): Promise<void> {
  const rows = 4096;
  const cols = 1024;
  const data = new Float32Array(rows * cols).map(() => Math.random() * 20 - 10);
  const t0 = performance.now();
  const x = ctx.tensor(data, [rows, cols]);
  const y = ctx.softmax(x);
  await y.read();
  timing.textContent = `${(performance.now() - t0).toFixed(1)} ms with upload and readback (kernel ${ctx.lastKernelVariant('softmax') ?? 'cpu'})`;
  x.destroy();
  y.destroy();
}

const ctx = await createContext();
const a = ctx.adapterInfo;
status.textContent = `Running on ${ctx.backend}${a ? ` (${a.vendor}/${a.architecture})` : ` (${ctx.fallbackReason})`}`;
input.addEventListener('input', () => void update(ctx));
document.getElementById('bench')!.addEventListener('click', () => void benchmark(ctx));
await update(ctx);
