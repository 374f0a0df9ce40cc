/**
 * The benchmark page: bench/main.ts (the cases and harness `npm run bench` uses) in the visitor's
 * browser, on the page's context, row by row; then the speedup chart and tables drawn with
 * bench/report.mjs's rules, and the run as JSON in the bench's schema (plus `meta`, which
 * bench/render.mjs prints in the report).
 */
import { main as runBench, type BenchArgs } from '../bench/main';
import type { Result, Settings } from '../bench/harness';
import { COMPETITORS, comparisons, fmt, TABLE_HEADER, tableCells, type Comparison } from '../bench/report.mjs';
import { element, escapeHtml, isSoftware, markReady, pageContext, setStatus, showError, start } from './site';
import { speedupBars, type Bar } from './charts';

type Mode = 'quick' | 'full' | 'smoke';

/**
 * Quick mode: the first shape of each op, webgpu-nn and the libraries it is compared with (not
 * the CPU reference, plain JS or the copy floor), as few runs as give a median (TF.js and ONNX
 * Runtime Web take seconds a run on a software adapter), so that a machine without a GPU
 * finishes in about two minutes. The training rows (`fit-*`) are left out: TF.js's webgpu backend
 * needs a minute or more for one fit there (the full mode has them).
 */
const QUICK_SETTINGS: Settings = { reps: { min: 3, max: 3 }, roundtripReps: { min: 1, max: 1 }, budgetMs: 0, slow: { ms: 4000, reps: 1, roundtrips: 1 } };
const QUICK_IMPLS = ['webgpu-nn', 'tfjs-webgpu', 'tfjs-cpu', 'ort-webgpu'];
const QUICK_OPS = ['softmax', 'softmaxJacobian', 'softmaxVjp', 'softmaxCrossEntropy', 'logSoftmax', 'matmul', 'dense', 'denseBackward'];

const MODES: Record<Mode, BenchArgs> = {
  quick: { quick: true, compare: true, autotune: false, ops: QUICK_OPS, impls: QUICK_IMPLS, variants: {}, firstShapeOnly: true, settings: QUICK_SETTINGS },
  full: { quick: false, compare: true, autotune: true, ops: null, impls: null, variants: {} },
  smoke: { quick: true, compare: true, autotune: false, ops: ['softmax'], impls: ['webgpu-nn', 'tfjs-cpu'], variants: {}, firstShapeOnly: true, settings: QUICK_SETTINGS },
};

const shapeText = (shape: number[]) => `[${shape.join(', ')}]`;

function resultsTable(results: Result[]): void {
  element('results-section').hidden = results.length === 0;
  element('results').innerHTML = `<thead><tr>${TABLE_HEADER.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>` +
    tableCells(results).map((cells) => `<tr>${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('') + '</tbody>';
}

function speedups(results: Result[]): void {
  const rows = comparisons(results).filter((c) => COMPETITORS.some((n) => c.vs[n]));
  const cell = (v: Comparison['vs'][string]) => {
    if (!v) return '-';
    if (v.status !== 'ok') return v.status.split(':')[0];
    if (!v.speedup) return 'no time';
    return `${fmt(v.speedup.ratio)}x${v.speedup.basis === 'roundtrip' ? ' (roundtrip)' : ''}${v.variant === 'cpu-ep-fallback' ? ' (on its CPU EP)' : ''}`;
  };
  element('speedups').innerHTML = `<thead><tr><th scope="col">op</th><th scope="col">shape</th>${COMPETITORS.map((n) => `<th scope="col">vs ${n}</th>`).join('')}</tr></thead><tbody>` +
    rows.map((c) => `<tr><td>${c.op}</td><td>${shapeText(c.shape)}</td>${COMPETITORS.map((n) => `<td>${escapeHtml(cell(c.vs[n]))}</td>`).join('')}</tr>`).join('') + '</tbody>';
  const bars: Bar[] = rows.flatMap((c) => COMPETITORS.flatMap((n) => {
    const s = c.vs[n]?.speedup;
    return s ? [{ label: `${c.op} ${shapeText(c.shape)}`, group: `vs ${n}`, value: s.ratio }] : [];
  }));
  element('speedup-section').hidden = rows.length === 0;
  if (bars.length) speedupBars(element('speedup-chart'), bars, COMPETITORS.map((n) => `vs ${n}`));
}

start(async () => {
  const ctx = await pageContext({ cpuOk: false });
  const a = ctx.adapterInfo!;
  const software = isSoftware(a.architecture, a.description);
  const baseStatus = software
    ? `${element('status').textContent} This is a software adapter: the numbers measure your CPU emulating a GPU, not a GPU.`
    : element('status').textContent!;
  setStatus(baseStatus);
  const mode = element<HTMLSelectElement>('mode');
  const runButton = element<HTMLButtonElement>('run');
  const download = element<HTMLButtonElement>('download');
  let json = '';

  const run = async () => {
    runButton.disabled = true;
    mode.disabled = true;
    download.disabled = true;
    window.demo.ready = false;
    const chosen = mode.value as Mode;
    const results: Result[] = [];
    speedups([]);
    resultsTable([]);
    const started = new Date();
    try {
      const out = await runBench(MODES[chosen], {
        context: ctx,
        onRowStart: (label, index, total) => {
          element('progress').textContent = `Row ${index + 1} of ${total}: ${label}…`;
        },
        onRow: (rowResults) => {
          results.push(...rowResults);
          resultsTable(results);
        },
      });
      const libs = await import('../bench/libs/index');
      const meta = {
        date: started.toISOString().replace('T', ' ').slice(0, 16) + ' UTC',
        command: `the demo site's bench page, ${chosen} mode`,
        browser: navigator.userAgent,
        versions: { '@tensorflow/tfjs': libs.tf.version.tfjs, 'onnxruntime-web': libs.ortVersion },
        software,
      };
      json = JSON.stringify({ ...out, meta }, null, 2);
      speedups(out.results);
      resultsTable(out.results);
      element('progress').textContent = `Done: ${out.results.length} results in ${(out.seconds / 60).toFixed(1)} min${software ? ' (software adapter)' : ''}.`;
      download.disabled = false;
    } finally {
      runButton.disabled = false;
      mode.disabled = false;
      markReady();
    }
  };

  runButton.addEventListener('click', () => run().catch(showError));
  download.addEventListener('click', () => {
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
    link.download = `webgpu-nn-bench-${a.vendor || 'adapter'}-${a.architecture || 'unknown'}.json`;
    link.click();
    URL.revokeObjectURL(link.href);
  });
  // `#run=MODE` in the address starts that mode at once (links to a ready-made run).
  const requested = /^#run=(quick|full|smoke)$/.exec(location.hash)?.[1] as Mode | undefined;
  if (requested) {
    mode.value = requested;
    await run();
  }
});
