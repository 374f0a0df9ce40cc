/** Argument checks for the CPU reference functions (Float32Array + shape in place of tensors). */
import { ArgumentError, ShapeError } from '../../errors.js';
import { checkShape, describe, formatShape } from '../../shape.js';

/** Checks that `data` is a typed array whose length matches `shape`; returns the element count. */
export function checkData(op: string, arg: string, data: unknown, shape: unknown): number {
  const size = checkShape(op, `shape of ${arg}`, shape);
  if (!(data instanceof Float32Array) && !(data instanceof Float64Array)) {
    throw new ArgumentError(op, `${arg} must be a Float32Array, got ${describe(data)}`);
  }
  if (data.length !== size) {
    throw new ShapeError(
      op,
      `${arg} has ${data.length} elements but its shape ${formatShape(shape as number[])} needs ${size}`,
    );
  }
  return size;
}
