/** The landing page: what the library is, the adapter this browser offers, a card per page. */
import { adapterText, element, escapeHtml, isSoftware, markReady, setStatus, showError } from './site';
import { createContext } from '../src/index';

interface PageCard {
  href: string;
  title: string;
  description: string;
  /** Whether the page runs on the cpu backend where there is no WebGPU. */
  cpuOk: boolean;
  thumbnail: string;
}

const svg = (body: string) => `<svg viewBox="0 0 160 72" role="img" aria-hidden="true">${body}</svg>`;
const bars = (heights: number[], color: string) => heights.map((h, i) => `<rect x="${14 + i * 24}" y="${64 - h}" width="16" height="${h}" fill="${color}" rx="2"/>`).join('');
const heat = (n: number, f: (i: number, j: number) => number, x0: number) =>
  Array.from({ length: n * n }, (_, k) => {
    const v = f(Math.floor(k / n), k % n);
    const c = v >= 0 ? `rgba(47,98,192,${0.15 + 0.85 * v})` : `rgba(232,113,10,${0.15 - 0.85 * v})`;
    return `<rect x="${x0 + (k % n) * 12}" y="${6 + Math.floor(k / n) * 12}" width="11" height="11" fill="${c}"/>`;
  }).join('');

const CARDS: PageCard[] = [
  {
    href: './playground.html', title: 'Softmax playground', cpuOk: true,
    description: 'Type logits, turn the temperature, watch the probabilities and the Jacobian change.',
    thumbnail: svg(bars([8, 14, 26, 52, 10], '#2f62c0')),
  },
  {
    href: './softmax.html', title: 'Article: softmax and its Jacobian', cpuOk: true,
    description: 'S = softmax(x), J = diag(S) - S Sᵀ and a vector-Jacobian product, computed as you edit.',
    thumbnail: svg(heat(5, (i, j) => (i === j ? 0.9 : -0.35), 50)),
  },
  {
    href: './xor.html', title: 'Article: XOR in 9 parameters', cpuOk: true,
    description: 'The 2-2-1 sigmoid network trained for 100,000 epochs, timed, with its decision boundary.',
    thumbnail: svg(heat(5, (i, j) => ((i < 2.5) !== (j < 2.5) ? 0.8 : -0.6), 50)),
  },
  {
    href: './reverse.html', title: 'Article: a network that cannot generalize', cpuOk: true,
    description: 'Reversing 4 digits, trained only on numbers starting with 0: the weights that never move.',
    thumbnail: svg('<text x="80" y="30" font-size="18" text-anchor="middle" font-family="monospace" fill="#14213d">0110 → 0110</text><text x="80" y="58" font-size="18" text-anchor="middle" font-family="monospace" fill="#b3261e">1110 → 0110</text>'),
  },
  {
    href: './training.html', title: 'Training playground', cpuOk: true,
    description: 'Spirals, circles, XOR, blobs: pick layers, activation and optimizer; train live, compare with TF.js.',
    thumbnail: svg(heat(5, (i, j) => Math.cos((i - 2) * 1.3) * Math.cos((j - 2) * 1.3), 50)),
  },
  {
    href: './bench.html', title: 'Benchmark on your GPU', cpuOk: false,
    description: "The library's own benchmark cases beside TF.js and ONNX Runtime Web, with a JSON download.",
    thumbnail: svg(`<line x1="40" y1="4" x2="40" y2="68" stroke="#14213d"/>${[60, 96, 30, 110].map((w, i) => `<rect x="40" y="${8 + i * 15}" width="${w}" height="11" fill="${['#e8710a', '#f6b26b', '#3c78d8', '#e8710a'][i]}"/>`).join('')}`),
  },
];

function renderCards(webgpu: boolean): void {
  element('cards').innerHTML = CARDS.map((c) => {
    const backend = webgpu ? '' : c.cpuOk ? '<span class="badge">runs on the cpu backend here</span>' : '<span class="badge warn">needs WebGPU</span>';
    return `<li class="card"><a href="${c.href}">${c.thumbnail}<h2>${escapeHtml(c.title)}</h2><p>${escapeHtml(c.description)}</p>${backend ? `<p class="backend">${backend}</p>` : ''}</a></li>`;
  }).join('');
}

function facts(rows: [string, string][]): void {
  element('adapter').innerHTML = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
}

async function main(): Promise<void> {
  const ctx = await createContext();
  window.demo.ctx = ctx;
  const a = ctx.adapterInfo;
  if (ctx.backend !== 'webgpu' || !a) {
    renderCards(false);
    showError(`This browser has no WebGPU (${ctx.fallbackReason}). The pages marked "runs on the cpu backend" still work, on the library's CPU reference; the benchmark needs WebGPU. Chrome and Edge 113+ have WebGPU; on Linux Chromium needs --enable-unsafe-webgpu.`);
    facts([['backend', 'cpu (reference)']]);
    return;
  }
  renderCards(true);
  const software = isSoftware(a.architecture, a.description);
  setStatus(software
    ? 'WebGPU found, on a software adapter (the GPU is emulated on the CPU): everything works, and timings say little about GPUs.'
    : 'WebGPU found, on a GPU.');
  facts([
    ['vendor', a.vendor || '(not reported)'],
    ['architecture', a.architecture || '(not reported)'],
    ['description', a.description || '(not reported)'],
    ['kind', software ? 'software adapter' : 'GPU'],
    ['subgroup sizes', a.subgroupMinSize === null ? '(not reported)' : `${a.subgroupMinSize}–${a.subgroupMaxSize}`],
    ['summary', adapterText(ctx)],
  ]);
}

main().then(markReady, showError);
