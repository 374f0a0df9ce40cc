/**
 * What `ctx.tensor(data, shape)` accepts, checked before anything is uploaded: typed arrays,
 * dense arrays of numbers, and rectangular arrays of rows. Holes in sparse arrays are refused
 * (they would otherwise read as 0), and every message describes the value actually given.
 */
import { ArgumentError, ShapeError } from './errors.js';
import { describe } from './shape.js';

const ACCEPTED = 'a Float32Array, Int32Array, Uint32Array, number[] or number[][]';

export function toTypedArray(op: string, data: unknown): { values: Float32Array | Int32Array; inferred: number[] } {
  if (data instanceof Float32Array || data instanceof Int32Array) return { values: data, inferred: [data.length] };
  if (data instanceof Uint32Array) {
    const values = new Int32Array(data.length);
    for (let i = 0; i < data.length; i++) {
      if (data[i] > 0x7fffffff) throw new ArgumentError(op, `data[${i}] = ${data[i]} does not fit in int32`);
      values[i] = data[i];
    }
    return { values, inferred: [data.length] };
  }
  if (!Array.isArray(data)) throw new ArgumentError(op, `data must be ${ACCEPTED}, got ${describe(data)}`);
  if (data.length > 0 && Array.isArray(data[0])) {
    const cols = (data[0] as unknown[]).length;
    const values = new Float32Array(data.length * cols);
    for (let r = 0; r < data.length; r++) {
      if (!(r in data)) throw new ArgumentError(op, `data[${r}] is a hole (a sparse array); give every row`);
      const row: unknown = data[r];
      if (!Array.isArray(row)) throw new ShapeError(op, `data is ragged: data[${r}] is ${describe(row)}, not a row of ${cols} numbers like data[0]`);
      if (row.length !== cols) throw new ShapeError(op, `data is ragged: row ${r} has ${row.length} entries, row 0 has ${cols}`);
      copyNumbers(op, row, values, r * cols, `data[${r}]`);
    }
    return { values, inferred: [data.length, cols] };
  }
  const values = new Float32Array(data.length);
  copyNumbers(op, data, values, 0, 'data');
  return { values, inferred: [data.length] };
}

function copyNumbers(op: string, from: unknown[], into: Float32Array, offset: number, name: string): void {
  for (let i = 0; i < from.length; i++) {
    if (!(i in from)) throw new ArgumentError(op, `${name}[${i}] is a hole (a sparse array); give every entry a number`);
    const v = from[i];
    if (typeof v !== 'number') throw new ArgumentError(op, `${name}[${i}] must be a number, got ${describe(v)}`);
    into[offset + i] = v;
  }
}
