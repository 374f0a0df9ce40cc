/** Shape arithmetic and the argument checks every op shares. */
import { ArgumentError, ShapeError } from './errors.js';

export type Shape = readonly number[];

/** Checks that `shape` is an array of non-negative integers and returns its element count. */
export function checkShape(op: string, arg: string, shape: unknown): number {
  if (!Array.isArray(shape)) {
    throw new ShapeError(op, `${arg} must be an array of non-negative integers, got ${describe(shape)}`);
  }
  let size = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        op,
        `${arg} must hold non-negative integers, got ${describe(d)} at index ${i} of [${shape.join(', ')}]`,
      );
    }
    size *= d;
  }
  if (!Number.isSafeInteger(size)) {
    throw new ShapeError(op, `${arg} [${shape.join(', ')}] has more elements than can be addressed`);
  }
  return size;
}

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

/** Resolves a possibly negative `axis` against a tensor of `rank` dimensions. */
export function normalizeAxis(op: string, axis: unknown, rank: number, arg = 'axis'): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new ArgumentError(op, `${arg} must be an integer, got ${describe(axis)}`);
  }
  if (rank === 0) {
    throw new ShapeError(op, `${arg} ${axis} is not valid for a scalar (rank 0) tensor`);
  }
  if (axis < -rank || axis >= rank) {
    throw new ArgumentError(op, `${arg} ${axis} is out of range for a tensor of rank ${rank} (expected ${-rank}..${rank - 1})`);
  }
  return axis < 0 ? axis + rank : axis;
}

/**
 * Views `shape` as [outer, axisLength, inner] around `axis`: every reduction op in the library
 * runs over the middle dimension, contiguous when inner == 1.
 */
export function splitAtAxis(shape: Shape, axis: number): { outer: number; length: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, length: shape[axis], inner };
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name} of length ${(value as unknown as ArrayLike<number>).length}`;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object') return `an object (${(value as object).constructor?.name ?? 'Object'})`;
  return typeof value;
}

/**
 * Checks that `axis` names the last axis of a tensor of rank `rank` (the ops that only work over
 * the last axis accept it spelled either way, -1 or rank - 1). Returns the number of rows
 * (product of the other dimensions) and the last dimension.
 */
export function lastAxisLayout(op: string, shape: readonly number[], axis: unknown, arg = 'axis'): { rows: number; cols: number } {
  if (shape.length === 0) throw new ShapeError(op, 'needs a tensor of rank >= 1 (its last axis holds the classes), got a scalar');
  const resolved = normalizeAxis(op, axis, shape.length, arg);
  if (resolved !== shape.length - 1) {
    throw new ArgumentError(op, `${arg} ${String(axis)}: only the last axis (-1) is supported for now`);
  }
  let rows = 1;
  for (let i = 0; i < shape.length - 1; i++) rows *= shape[i];
  return { rows, cols: shape[shape.length - 1] };
}
