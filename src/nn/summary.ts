/**
 * `model.summary()` in Keras's table format (the one the articles show): columns end at 29, 55
 * and 65 characters, a long field is cut to its column, rows are separated by underscores, and
 * totals use thousands separators.
 */
export interface SummaryRow {
  name: string;
  className: string;
  outputShape: readonly (number | null)[];
  params: number;
}

const LINE_LENGTH = 65;
const POSITIONS = [29, 55, 65];

function formatRow(fields: string[]): string {
  let line = '';
  fields.forEach((field, i) => {
    if (i > 0) line = line.slice(0, -1) + ' ';
    line += field;
    line = line.slice(0, POSITIONS[i]);
    line += ' '.repeat(POSITIONS[i] - line.length);
  });
  return line;
}

function formatShape(shape: readonly (number | null)[]): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return `(${parts.join(', ')}${parts.length === 1 ? ',' : ''})`;
}

export function formatSummary(rows: readonly SummaryRow[], trainable: number, nonTrainable: number): string {
  const lines = ['_'.repeat(LINE_LENGTH), formatRow(['Layer (type)', 'Output Shape', 'Param #']), '='.repeat(LINE_LENGTH)];
  rows.forEach((row, i) => {
    lines.push(formatRow([`${row.name} (${row.className})`, formatShape(row.outputShape), String(row.params)]));
    lines.push((i === rows.length - 1 ? '=' : '_').repeat(LINE_LENGTH));
  });
  if (rows.length === 0) lines.push('='.repeat(LINE_LENGTH));
  const n = (v: number) => v.toLocaleString('en-US');
  lines.push(`Total params: ${n(trainable + nonTrainable)}`, `Trainable params: ${n(trainable)}`, `Non-trainable params: ${n(nonTrainable)}`, '_'.repeat(LINE_LENGTH));
  return lines.join('\n');
}
