// Turns a bench run ({ adapter, settings, seconds, results, autotune }) into the console table,
// BENCHMARKS.md and an SVG bar chart of webgpu-nn's speedup over TF.js and ONNX Runtime Web.
// Plain Node, no dependencies.

/** The impls webgpu-nn is compared with in the summary and the chart, in chart order. */
export const COMPETITORS = ['tfjs-webgpu', 'tfjs-cpu', 'ort-webgpu'];

const sameRow = (a, b) => a.op === b.op && JSON.stringify(a.shape) === JSON.stringify(b.shape);
const ok = (r) => r.status === 'ok' || r.status.startsWith('unchecked');

/**
 * How much faster webgpu-nn is than `theirs` on one row: their time over ours. Device times
 * (`median_ms`) when both sides have one; otherwise each side's user view (`roundtrip_ms`, or for
 * CPU impls, which have no roundtrip, their wall-time `median_ms`). Null when either side is
 * missing, wrong or untimed.
 * @returns {{ ratio: number, basis: 'median' | 'roundtrip' } | null}
 */
export function speedup(ours, theirs) {
  if (!ours || !theirs || !ok(ours) || !ok(theirs)) return null;
  if (ours.median_ms !== null && theirs.median_ms !== null && ours.median_ms > 0) {
    return { ratio: theirs.median_ms / ours.median_ms, basis: 'median' };
  }
  const userView = (r) => r.roundtrip_ms ?? r.median_ms;
  const a = userView(ours);
  const b = userView(theirs);
  if (a === null || b === null || !(a > 0)) return null;
  return { ratio: b / a, basis: 'roundtrip' };
}

/** One entry per row that has a webgpu-nn result: its speedup over each competitor. */
export function comparisons(results) {
  const out = [];
  for (const ours of results.filter((r) => r.impl === 'webgpu-nn')) {
    const vs = {};
    for (const name of COMPETITORS) {
      const theirs = results.find((r) => r.impl === name && sameRow(r, ours));
      vs[name] = theirs ? { status: theirs.status, variant: theirs.variant ?? null, speedup: speedup(ours, theirs) } : null;
    }
    out.push({ op: ours.op, shape: ours.shape, vs });
  }
  return out;
}

/** The performance targets against other libraries: webgpu-nn's speedup over `vs` on `op` at `shape` is at least `min`. */
export const TARGETS = [
  { op: 'softmax', shape: [4096, 1024], vs: 'tfjs-webgpu', min: 5 },
  { op: 'softmax', shape: [4096, 1024], vs: 'ort-webgpu', min: 5 },
  { op: 'softmax', shape: [4096, 1024], vs: 'tfjs-cpu', min: 1 },
  { op: 'matmul', shape: [1024, 1024, 1024], vs: 'tfjs-webgpu', min: 8 },
  { op: 'matmul', shape: [1024, 1024, 1024], vs: 'ort-webgpu', min: 8 },
  { op: 'softmaxVjp', shape: [4096, 1024], vs: 'tfjs-webgpu', min: 5 },
  { op: 'softmaxCrossEntropy', shape: [4096, 1024], vs: 'tfjs-webgpu', min: 5 },
  { op: 'fit-xor', shape: [2000, 4], vs: 'tfjs-webgpu', min: 20 },
  { op: 'fit-xor', shape: [2000, 4], vs: 'tfjs-cpu', min: 20 },
  { op: 'fit-mlp', shape: [1, 128], vs: 'tfjs-webgpu', min: 5 },
  { op: 'fit-mlp', shape: [1, 128], vs: 'tfjs-cpu', min: 2 },
];

/**
 * The targets within webgpu-nn, all measured in the same run: ratios between rows (webgpu-nn over
 * the copy floor, fused over unfused, backward over forward, against the CPU reference) and two
 * absolute numbers (GFLOP/s, the XOR fit's wall time).
 */
const median = (results, op, shape, impl) => {
  const r = results.find((x) => x.op === op && JSON.stringify(x.shape) === JSON.stringify(shape) && x.impl === impl);
  return r && ok(r) && typeof r.median_ms === 'number' ? r : null;
};
const timeRatio = (a, b) => (a && b && b.median_ms > 0 ? a.median_ms / b.median_ms : null);
export const RUN_TARGETS = [
  { text: 'softmax [4096, 1024]: webgpu-nn time / copy time', atMost: 2, unit: 'x',
    measure: (rs) => timeRatio(median(rs, 'softmax', [4096, 1024], 'webgpu-nn'), median(rs, 'softmax', [4096, 1024], 'copy')) },
  { text: 'softmaxVjp [4096, 1024]: webgpu-nn time / copy time (16 MiB, as the softmax row\'s)', atMost: 2.5, unit: 'x',
    measure: (rs) => timeRatio(median(rs, 'softmaxVjp', [4096, 1024], 'webgpu-nn'), median(rs, 'softmaxVjp', [4096, 1024], 'copy')) },
  { text: 'softmaxJacobian [1024, 256]: webgpu-nn time / copy of the output', atMost: 1.2, unit: 'x',
    measure: (rs) => timeRatio(median(rs, 'softmaxJacobian', [1024, 256], 'webgpu-nn'), median(rs, 'softmaxJacobian', [1024, 256], 'copy')) },
  { text: 'softmaxCrossEntropy [4096, 1024]: fused time / unfused time', below: 1, unit: 'x',
    measure: (rs) => timeRatio(median(rs, 'softmaxCrossEntropy', [4096, 1024], 'webgpu-nn'), median(rs, 'softmaxCrossEntropy', [4096, 1024], 'webgpu-nn-unfused')) },
  { text: 'matmul [1024, 1024, 1024]: webgpu-nn GFLOP/s', atLeast: 4, unit: ' GFLOP/s',
    measure: (rs) => median(rs, 'matmul', [1024, 1024, 1024], 'webgpu-nn')?.gflops ?? null },
  { text: 'matmul [1024, 1024, 1024]: speedup over plain-js', atLeast: 3, unit: 'x',
    measure: (rs) => timeRatio(median(rs, 'matmul', [1024, 1024, 1024], 'plain-js'), median(rs, 'matmul', [1024, 1024, 1024], 'webgpu-nn')) },
  { text: 'denseBackward / dense time [4096, 784, 256]', atMost: 3, unit: 'x',
    measure: (rs) => timeRatio(median(rs, 'denseBackward', [4096, 784, 256], 'webgpu-nn'), median(rs, 'dense', [4096, 784, 256], 'webgpu-nn')) },
  { text: 'fit-xor [100000, 4]: wall time of fit', atMost: 5000, unit: ' ms',
    measure: (rs) => median(rs, 'fit-xor', [100000, 4], 'webgpu-nn')?.median_ms ?? null },
  { text: 'fit-mlp [1, 128]: samples/s over cpu-reference', atLeast: 3, unit: 'x',
    measure: (rs) => timeRatio(median(rs, 'fit-mlp', [1, 128], 'cpu-reference'), median(rs, 'fit-mlp', [1, 128], 'webgpu-nn')) },
];

function runTargetCells(results) {
  return RUN_TARGETS.map((t) => {
    const v = t.measure(results);
    const goal = t.atMost !== undefined ? `<= ${t.atMost}${t.unit}` : t.atLeast !== undefined ? `>= ${t.atLeast}${t.unit}` : `< ${t.below}${t.unit}`;
    const met = v === null ? '-' : (t.atMost !== undefined ? v <= t.atMost : t.atLeast !== undefined ? v >= t.atLeast : v < t.below) ? 'yes' : 'no';
    return [t.text, goal, v === null ? 'not run' : `${fmt(v)}${t.unit}`, met];
  });
}

export function fmt(v, digits = 2) {
  if (v === null || v === undefined) return '-';
  if (typeof v !== 'number') return String(v);
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(digits);
}

const shapeText = (shape) => `[${shape.join(', ')}]`;
const ratioText = (s) => (s ? `${fmt(s.ratio)}x${s.basis === 'roundtrip' ? ' (roundtrip)' : ''}` : '-');

export function tableCells(results) {
  return results.map((r) => {
    const ours = results.find((o) => o.impl === 'webgpu-nn' && sameRow(o, r));
    const s = r.impl === 'webgpu-nn' ? null : speedup(ours, r);
    return [r.op, shapeText(r.shape), r.impl, r.status, r.variant ?? '-', fmt(r.median_ms), fmt(r.min_ms), fmt(r.max_ms), r.runs ? String(r.runs) : '-', fmt(r.roundtrip_ms), fmt(r.gbps), fmt(r.gflops), r.impl === 'webgpu-nn' ? '1' : ratioText(s)];
  });
}

export const TABLE_HEADER = ['op', 'shape', 'impl', 'status', 'variant', 'median ms', 'min ms', 'max ms', 'runs', 'roundtrip ms', 'GB/s', 'GFLOP/s', 'webgpu-nn speedup'];

/** The plain-text table printed by `npm run bench`. */
export function textTable(adapter, results) {
  const cut = (s) => (s.length > 44 ? `${s.slice(0, 41)}...` : s);
  const lines = tableCells(results).map((cells) => cells.map((c, i) => (i === 3 ? cut(c) : c)));
  const widths = TABLE_HEADER.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  const out = [`adapter: ${adapterText(adapter)}`, row(TABLE_HEADER), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const l of lines) out.push(row(l));
  const wrong = results.filter((r) => !ok(r));
  for (const r of wrong) out.push(`${r.op} ${shapeText(r.shape)} ${r.impl}: ${r.status}`);
  return out.join('\n');
}

function adapterText(adapter) {
  return `${adapter.vendor}/${adapter.architecture}${adapter.description ? ` (${adapter.description})` : ''}`;
}

const escapeCell = (s) => String(s).replaceAll('|', '\\|');
const mdRow = (cells) => `| ${cells.map(escapeCell).join(' | ')} |`;

/**
 * BENCHMARKS.md. `meta`: { date, command, browser, versions: { name: version }, chart: file name
 * of the SVG next to it }.
 */
export function markdown(out, meta) {
  const { adapter, settings, seconds, results } = out;
  const lines = [];
  lines.push('# Benchmarks', '');
  lines.push(`Generated by \`${meta.command}\` on ${meta.date}; the whole run took ${fmt(seconds / 60, 1)} min.`, '');
  lines.push(`- Adapter: \`${adapterText(adapter)}\` (WebGPU in ${meta.browser}, one page, every library on this adapter).`);
  lines.push(`- Libraries: ${Object.entries(meta.versions).map(([n, v]) => `${n} ${v}`).join(', ')}.`);
  const range = (r) => (r.min === r.max ? `${r.min}` : `${r.min} to ${r.max}`);
  const more = settings.reps.min === settings.reps.max ? '' : ` (past ${settings.reps.min}, more only while the row is within ${fmt(settings.budgetMs / 1000, 0)} s)`;
  const verySlow = settings.verySlow ? ` (over ${fmt(settings.verySlow.ms / 1000, 0)} s: ${settings.verySlow.reps})` : '';
  const slow = settings.slow ? `; an impl whose correctness run (for \`fit-*\` rows: first timed run) took over ${fmt(settings.slow.ms / 1000, 0)} s gets ${settings.slow.reps} timed runs${verySlow} and ${settings.slow.roundtrips} roundtrip (the \`runs\` column)` : '';
  lines.push(`- Repetitions per row: ${range(settings.reps)} timed runs of each impl${more}, ${range(settings.roundtripReps)} roundtrips${slow}.`);
  lines.push('- Only ratios within this one run mean anything: the machine that made this file may be shared and noisy.', '');

  lines.push('## webgpu-nn speedup over TF.js and ONNX Runtime Web', '');
  lines.push(`![webgpu-nn speedup](${meta.chart})`, '');
  lines.push('Their time over webgpu-nn\'s, same row, same run (> 1: webgpu-nn is faster). Device time on both sides where both have it, else each side\'s roundtrip (marked).', '');
  lines.push(mdRow(['op', 'shape', ...COMPETITORS]), mdRow(['---', '---', ...COMPETITORS.map(() => '---:')]));
  for (const c of comparisons(results).filter((c) => COMPETITORS.some((n) => c.vs[n]))) {
    lines.push(mdRow([c.op, shapeText(c.shape), ...COMPETITORS.map((n) => {
      const v = c.vs[n];
      if (!v) return '-';
      if (v.status !== 'ok') return v.status.split(':')[0];
      return `${ratioText(v.speedup)}${v.variant === 'cpu-ep-fallback' ? ' (ran on its CPU EP)' : ''}`;
    })]));
  }
  lines.push('');

  lines.push('## Targets', '');
  lines.push(mdRow(['op', 'shape', 'vs', 'target', 'measured', 'met']), mdRow(['---', '---', '---', '---:', '---:', '---']));
  for (const t of TARGETS) {
    const ours = results.find((r) => r.impl === 'webgpu-nn' && sameRow(r, t));
    const theirs = results.find((r) => r.impl === t.vs && sameRow(r, t));
    const s = speedup(ours, theirs);
    const measured = ours && theirs ? (s ? ratioText(s) : `${ok(ours) ? theirs.status : ours.status}`.split(':')[0]) : 'not run';
    lines.push(mdRow([t.op, shapeText(t.shape), t.vs, `>= ${t.min}x`, measured, s ? (s.ratio >= t.min ? 'yes' : 'no') : '-']));
  }
  lines.push('');
  lines.push('Within webgpu-nn, same run:', '');
  lines.push(mdRow(['target', 'goal', 'measured', 'met']), mdRow(['---', '---:', '---:', '---']));
  for (const cells of runTargetCells(results)) lines.push(mdRow(cells));
  lines.push('');

  if (out.autotune?.length) {
    lines.push('## Autotuning', '');
    lines.push(`\`ctx.autotune(op, shape)\` on a fresh context (default budget, nothing stored), then every usable variant pinned in turn and re-measured interleaved on the full shape (device time, median of ${settings.reps.min}). Variants over 10x the best on a trial with 1/16 of the rows are not re-measured.`, '');
    lines.push(mdRow(AUTOTUNE_HEADER), mdRow(AUTOTUNE_HEADER.map((_, i) => (i < 3 ? '---' : '---:'))));
    for (const cells of autotuneCells(out.autotune)) lines.push(mdRow(cells));
    lines.push('');
  }

  lines.push('## All results', '');
  lines.push(mdRow(TABLE_HEADER), mdRow(TABLE_HEADER.map((_, i) => (i < 5 ? '---' : '---:'))));
  for (const cells of tableCells(results)) lines.push(mdRow(cells));
  lines.push('');

  lines.push('## How each number was taken', '');
  lines.push(...HOW.map((l) => l));
  lines.push('');
  return lines.join('\n');
}

const HOW = [
  '- **Correctness first.** Before anything is timed, every impl computes the row once and each output is compared with the CPU reference (`cpu.*`, float64 accumulation) as |impl - ref| <= atol + rtol * |ref| (the tolerance of each op is in its bench/cases file, with the reason). An impl outside it is listed as `wrong` and an impl that throws as `error`; neither carries a time. This run doubles as the warm-up (pipelines compiled, sessions initialized).',
  '- **Interleaved.** The impls of a row run in turn (A B C A B C ...), so that the machine\'s load hits them alike; only ratios within a row mean much.',
  '- **median_ms / min_ms / max_ms**: over the timed runs.',
  '  - `webgpu-nn`, `copy`: device time from timestamp queries written at the start and end of the compute pass that holds the op\'s dispatches; input already on the GPU, output left there.',
  '  - `copy`: a vec4 copy kernel over the op\'s input bytes on the same device, the bandwidth floor.',
  '  - `tfjs-webgpu`: `kernelMs` of `tf.time()`, which TF.js\'s webgpu backend sums from timestamp queries around each of its dispatches; input tensors created beforehand and resident. Where the device has no `timestamp-query`, `median_ms` is null (TF.js would report 0).',
  '  - `ort-webgpu`: its `variant` is `webgpu-ep`, or `cpu-ep-fallback` where ONNX Runtime Web runs the node on its CPU (wasm) execution provider because its WebGPU provider lacks it (found by creating the session once with CPU fallback disabled); the times are then of that. Timed: wall time of `session.run` on inputs already in GPU buffers (`Tensor.fromGpuBuffer`) with outputs left there (`preferredOutputLocation: \'gpu-buffer\'`), until the device queue is idle. ONNX Runtime Web gives a page no per-run device time, so this includes its dispatch overhead (a few ms), which only matters for small rows.',
  '  - `cpu-reference`, `plain-js`, `tfjs-cpu`: wall time of the call (for TF.js, the op plus `dataSync()`).',
  '  - `fit-*` rows: wall time of the whole `fit` call (a fresh model, built and compiled before the clock starts), for every impl; the checking run (which includes the first fit\'s pipeline compilation) is one of the timed runs only for an impl that gets 3 runs.',
  '- **roundtrip_ms** (GPU impls): wall time of upload + op + readback to a Float32Array: `ctx.tensor` + op + `read()`; `tf.tensor` + op + `await data()`; a plain `session.run` on a CPU tensor.',
  '- **GB/s**: the fewest bytes the op must read plus write, over `median_ms`. **GFLOP/s**: floating-point operations (2MNK for matmul) over `median_ms`, where arithmetic dominates.',
  '- **variant**: the webgpu-nn kernel variant that ran (see docs/kernels.md).',
  '- **Speedup**: the other impl\'s time over webgpu-nn\'s: `median_ms` on both sides when both have one, else each side\'s roundtrip (CPU impls have none: their wall time stands in).',
];

const AUTOTUNE_HEADER = ['op', 'shape', 'chosen', 'tuning ms (budget)', 're-measured median ms', 'chosen vs best'];

function autotuneCells(checks) {
  return checks.map((a) => {
    const measured = Object.entries(a.remeasured).map(([v, ms]) => `${v} ${fmt(ms)}`);
    const skipped = Object.entries(a.skipped).map(([v, why]) => `${v} skipped (${why})`);
    const chosen = `${a.chosen ?? '-'}${a.source === 'measured' && a.estimated ? ' (decided below the full size)' : a.source === 'measured' ? '' : ` (${a.source})`}`;
    const vsBest = a.chosen_vs_best === null ? '-' : a.chosen === a.best ? 'best' : `${fmt((a.chosen_vs_best - 1) * 100, 1)}% slower than ${a.best}`;
    return [a.op, shapeText(a.shape), chosen, `${fmt(a.tuning_ms, 0)} (${fmt(a.budget_ms, 0)})`, [...measured, ...skipped].join(', '), vsBest];
  });
}

/** The autotuning check, as printed by `npm run bench`. */
export function autotuneTable(checks) {
  const lines = autotuneCells(checks);
  const widths = AUTOTUNE_HEADER.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return ['autotune:', row(AUTOTUNE_HEADER), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(row)].join('\n');
}

const COLORS = { 'tfjs-webgpu': '#e8710a', 'tfjs-cpu': '#f6b26b', 'ort-webgpu': '#3c78d8' };

function escapeXml(s) {
  return String(s).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/**
 * Horizontal bars, one group per row, one bar per competitor: webgpu-nn's speedup on a log scale,
 * with a line at 1x (left of it webgpu-nn is slower).
 */
export function svgChart(results, title) {
  const groups = comparisons(results).filter((c) => COMPETITORS.some((n) => c.vs[n]));
  const bar = 14;
  const gap = 3;
  const groupGap = 14;
  const left = 230;
  const plotWidth = 520;
  const top = 58;
  const perGroup = (c) => COMPETITORS.filter((n) => c.vs[n]).length;
  const height = top + groups.reduce((h, c) => h + perGroup(c) * (bar + gap) + groupGap, 0) + 40;
  const values = groups.flatMap((c) => COMPETITORS.map((n) => c.vs[n]?.speedup?.ratio).filter((v) => v > 0));
  const lo = Math.min(0.5, ...values.map((v) => v / 1.5));
  const hi = Math.max(10, ...values.map((v) => v * 1.5));
  const logLo = Math.log10(lo);
  const logHi = Math.log10(hi);
  const x = (v) => left + ((Math.log10(v) - logLo) / (logHi - logLo)) * plotWidth;
  const out = [];
  const width = left + plotWidth + 90;
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${left}" y="18" font-size="14" font-weight="bold">${escapeXml(title)}</text>`);
  let lx = left;
  for (const n of COMPETITORS) {
    out.push(`<rect x="${lx}" y="28" width="12" height="12" fill="${COLORS[n]}"/><text x="${lx + 16}" y="38">vs ${n}</text>`);
    lx += 130;
  }
  const ticks = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((t) => t >= lo && t <= hi);
  const plotBottom = height - 34;
  for (const t of ticks) {
    const tx = x(t).toFixed(1);
    out.push(`<line x1="${tx}" y1="${top - 6}" x2="${tx}" y2="${plotBottom}" stroke="${t === 1 ? '#000' : '#ddd'}" stroke-width="${t === 1 ? 1.5 : 1}"/>`);
    out.push(`<text x="${tx}" y="${plotBottom + 14}" text-anchor="middle">${t}x</text>`);
  }
  out.push(`<text x="${left + plotWidth / 2}" y="${plotBottom + 30}" text-anchor="middle">their time / webgpu-nn's (log scale; right of 1x webgpu-nn is faster)</text>`);
  let y = top;
  for (const c of groups) {
    const n = perGroup(c);
    const groupHeight = n * (bar + gap);
    out.push(`<text x="${left - 8}" y="${(y + groupHeight / 2 + 4).toFixed(1)}" text-anchor="end">${escapeXml(`${c.op} ${shapeText(c.shape)}`)}</text>`);
    for (const name of COMPETITORS) {
      const v = c.vs[name];
      if (!v) continue;
      const s = v.speedup;
      if (s) {
        const x0 = x(Math.min(1, s.ratio));
        const x1 = x(Math.max(1, s.ratio));
        out.push(`<rect x="${x0.toFixed(1)}" y="${y}" width="${Math.max(1, x1 - x0).toFixed(1)}" height="${bar}" fill="${COLORS[name]}"><title>${escapeXml(`${name}: ${ratioText(s)}`)}</title></rect>`);
        const note = v.variant === 'cpu-ep-fallback' ? ' (on its CPU EP)' : '';
        out.push(`<text x="${(x1 + 4).toFixed(1)}" y="${y + bar - 3}" font-size="11">${escapeXml(ratioText(s) + note)}</text>`);
      } else {
        out.push(`<text x="${(x(1) + 4).toFixed(1)}" y="${y + bar - 3}" font-size="11" fill="#999">${escapeXml(`${name}: ${v.status === 'ok' ? 'no time' : v.status.split(':')[0]}`)}</text>`);
      }
      y += bar + gap;
    }
    y += groupGap;
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
