/** Prints arrays the way numpy does (`np.array2string` with 8 significant digits). */
export function formatArray(values: ArrayLike<number>, shape: number[], digits = 8): string {
  const text = Array.from(values, (v) => formatNumber(v, digits));
  const width = Math.max(...text.map((t) => t.length));
  const pad = (t: string) => t.padStart(width);
  if (shape.length === 1) return `[${text.map(pad).join(' ')}]`;
  const [rows, cols] = shape;
  const lines = [];
  for (let r = 0; r < rows; r++) {
    const row = `[${text.slice(r * cols, (r + 1) * cols).map(pad).join(' ')}]`;
    lines.push((r === 0 ? '[' : ' ') + row + (r === rows - 1 ? ']' : ''));
  }
  return lines.join('\n');
}

function formatNumber(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return '0.';
  const abs = Math.abs(v);
  if (abs < 1e-4 || abs >= 1e16) {
    const [m, e] = v.toExponential(digits - 1).split('e');
    const exp = Number(e);
    return `${m.replace(/0+$/, '')}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = v.toPrecision(digits);
  return s.includes('.') ? s.replace(/0+$/, '') : `${s}.`;
}
