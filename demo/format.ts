/**
 * Prints float32 arrays the way numpy prints them by default (`np.array2string`, precision 8,
 * floatmode 'maxprec'): each element with the fewest fraction digits (up to 8) that give back the
 * same float32, padded so that decimal points line up; scientific notation when the magnitudes
 * span more than 1e3, go under 1e-4 or reach 1e8.
 */
const PRECISION = 8;

/** Fewest fraction digits (0..8) that round-trip `v` as a float32. */
function fractionDigits(v: number): number {
  for (let d = 0; d < PRECISION; d++) {
    if (Math.fround(Number(v.toFixed(d))) === v) return d;
  }
  return PRECISION;
}

/** Fewest mantissa digits (0..8 after the point) that round-trip `v` as a float32. */
function mantissaDigits(v: number): number {
  for (let d = 0; d < PRECISION; d++) {
    if (Math.fround(Number(v.toExponential(d))) === v) return d;
  }
  return PRECISION;
}

function special(v: number): string | null {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return null;
}

function formatElements(values: number[]): string[] {
  const finite = values.filter(Number.isFinite).map(Math.abs);
  const nonzero = finite.filter((v) => v !== 0);
  const max = finite.length ? Math.max(...finite) : 0;
  const minNonzero = nonzero.length ? Math.min(...nonzero) : 0;
  const scientific = max >= 1e8 || (nonzero.length > 0 && (minNonzero < 1e-4 || max / minNonzero > 1e3));

  if (scientific) {
    const digits = Math.max(0, ...values.filter(Number.isFinite).map(mantissaDigits));
    const parts = values.map((v) => {
      const s = special(v);
      if (s) return { s };
      const [mantissa, exponent] = v.toExponential(digits).split('e');
      const e = Number(exponent);
      const m = mantissa.includes('.') ? mantissa : `${mantissa}.`;
      return { s: `${m}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}` };
    });
    const width = Math.max(...parts.map((p) => p.s.length));
    return parts.map((p) => p.s.padStart(width));
  }

  // Fixed notation: integer parts right-aligned, fractions left-aligned after the point; nan and
  // inf are right-aligned in the same width.
  const parts = values.map((v) => {
    if (special(v)) return null;
    // Past 8 digits the value is rounded, and numpy trims the zeros that rounding leaves.
    const [int, frac = ''] = v.toFixed(fractionDigits(v)).split('.');
    return { int: v < 0 && int === '0' ? '-0' : int, frac: frac.replace(/0+$/, '') };
  });
  const numeric = parts.filter((p) => p !== null);
  const intWidth = Math.max(0, ...numeric.map((p) => p.int.length));
  const fracWidth = Math.max(0, ...numeric.map((p) => p.frac.length));
  const texts = parts.map((p, i) => (p === null ? special(values[i])! : `${p.int.padStart(intWidth)}.${p.frac.padEnd(fracWidth)}`));
  const width = Math.max(...texts.map((t) => t.length));
  return texts.map((t) => t.padStart(width));
}

/**
 * numpy-style text of a 1-D or 2-D array.
 *
 * @example
 * formatArray(new Float32Array([0.5, 0.125]), [2]);        // '[0.5   0.125]'
 * formatArray(new Float32Array([1, -2, 3, 4]), [2, 2]);    // '[[ 1. -2.]\n [ 3.  4.]]'
 */
export function formatArray(values: ArrayLike<number>, shape: number[]): string {
  const items = formatElements(Array.from(values, (v) => Math.fround(v)));
  if (shape.length === 1) return `[${items.join(' ')}]`;
  const [rows, cols] = shape;
  const lines = [];
  for (let r = 0; r < rows; r++) {
    const row = `[${items.slice(r * cols, (r + 1) * cols).join(' ')}]`;
    lines.push((r === 0 ? '[' : ' ') + row + (r === rows - 1 ? ']' : ''));
  }
  return lines.join('\n');
}
