// The benchmark table printed by bench/run.mjs and bench/node-run.mjs.

function fmt(v, digits = 2) {
  if (v === null || v === undefined) return '-';
  if (typeof v !== 'number') return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(digits);
}

export function printTable(adapter, results) {
  console.log(`\nadapter: ${adapter.vendor}/${adapter.architecture}${adapter.description ? ` (${adapter.description})` : ''}`);
  const header = ['op', 'shape', 'impl', 'variant', 'median ms', 'min', 'max', 'roundtrip ms', 'GB/s', 'GFLOP/s', 'x webgpu-nn'];
  const lines = results.map((r) => {
    const ours = results.find((o) => o.op === r.op && o.impl === 'webgpu-nn' && JSON.stringify(o.shape) === JSON.stringify(r.shape));
    const ratio = ours && r.median_ms !== null && ours.median_ms ? r.median_ms / ours.median_ms : null;
    return [r.op, `[${r.shape.join(',')}]`, r.impl, r.variant ?? '-', fmt(r.median_ms), fmt(r.min_ms), fmt(r.max_ms), fmt(r.roundtrip_ms), fmt(r.gbps), fmt(r.gflops), fmt(ratio)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(row(l));
}

