/**
 * Training data for fit/evaluate: x and y as tensors on the model's context, checked before any
 * training work is recorded: shapes against the model, row counts against each other, values
 * (x finite, targets finite, class indices integral and in range). Plain arrays are checked on
 * the host while they are converted; tensors on the GPU by one small kernel per tensor and one
 * 4-byte readback (no training has started, so this is not a readback per step), once per tensor.
 */
import { ArgumentError, ShapeError } from '../errors.js';
import type { CoreContext } from '../core-context.js';
import { Tensor } from '../tensor.js';
import { describe, formatShape } from '../shape.js';
import { checkValues as findBadValues, copyElements } from '../ops/training/definition.js';
import { LabelKind } from './losses.js';
import type { ModelCore } from './core.js';

export interface TrainingData {
  x: Tensor;
  y: Tensor;
  samples: number;
  labelKind: LabelKind;
  /** Tensors made here from plain arrays (destroyed by dispose()). */
  owned: Tensor[];
  dispose(): void;
}

type ArrayInput = number[] | number[][];

function isTensor(v: unknown): v is Tensor {
  return v instanceof Tensor;
}

/** number[][] -> Float32Array [rows, cols], every value finite; `arg` names the argument in errors. */
function matrixFromArrays(op: string, arg: string, data: unknown, finite = true): { values: Float32Array; rows: number; cols: number } {
  if (!Array.isArray(data) || data.length === 0) throw new ArgumentError(op, `${arg} must be a Tensor or a non-empty number[][], got ${describe(data)}`);
  if (!Array.isArray(data[0])) {
    throw new ShapeError(op, `${arg} must be 2-D ([samples, features]) as a number[][] or a Tensor, got a flat array`);
  }
  const rows = data.length;
  const cols = (data[0] as unknown[]).length;
  const values = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = data[r] as unknown;
    if (!Array.isArray(row) || row.length !== cols) {
      throw new ShapeError(op, `${arg} is ragged: row ${r} has ${Array.isArray(row) ? row.length : describe(row)} entries, row 0 has ${cols}`);
    }
    for (let c = 0; c < cols; c++) {
      const v = row[c];
      if (typeof v !== 'number') throw new ArgumentError(op, `${arg}[${r}][${c}] must be a number, got ${describe(v)}`);
      if (finite && !Number.isFinite(v)) throw new ArgumentError(op, `${arg}[${r}][${c}] is ${v}; ${arg} must hold finite numbers`);
      values[r * cols + c] = v;
    }
  }
  return { values, rows, cols };
}

function checkIndex(op: string, arg: string, at: string, v: unknown, classes: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= classes) {
    throw new ArgumentError(op, `${arg}${at} = ${describe(v)} is not a class index in 0..${classes - 1}`);
  }
  return v;
}

/** A flat typed array fit, predict and evaluate read as rows of `width` values. */
export type FlatArray = Float32Array | Int32Array;

function isFlat(v: unknown): v is FlatArray {
  return v instanceof Float32Array || v instanceof Int32Array;
}

/**
 * A flat array of rows * width values as float32, checked finite (unless `finite` is false); or,
 * with `classes`, as int32 class indices below it.
 */
function flatRows(op: string, arg: string, data: FlatArray, width: number | null, classes: number | null, finite = true): { values: Float32Array | Int32Array; rows: number } {
  if (width === null) throw new ShapeError(op, `${arg} is a flat ${data.constructor.name}: give the first layer an inputShape so that it can be read as [samples, features]`);
  if (data.length === 0 || data.length % width !== 0) throw new ShapeError(op, `${arg} is a flat ${data.constructor.name} of ${data.length} values, not a whole number of rows of ${width}`);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (classes !== null) checkIndex(op, arg, `[${i}]`, v, classes);
    else if (finite && !Number.isFinite(v)) throw new ArgumentError(op, `${arg}[${i}] is ${v}; ${arg} must hold finite numbers`);
  }
  return { values: classes !== null ? Int32Array.from(data) : Float32Array.from(data), rows: data.length / width };
}

/**
 * Converts and checks x; returns its tensor on ctx (owned when made from arrays). `finite`: reject
 * NaN/Inf in arrays. `width`: the model's input width if known (a flat typed array needs it).
 */
export function inputTensor(op: string, ctx: CoreContext, x: unknown, owned: Tensor[], width: number | null, finite = true): Tensor {
  if (isTensor(x)) {
    ctx.input(op, 'x', x);
    if (x.rank !== 2) throw new ShapeError(op, `x must be 2-D [samples, features], got shape ${formatShape(x.shape)}`);
    return x;
  }
  if (isFlat(x)) {
    const f = flatRows(op, 'x', x, width, null, finite);
    const t = ctx.tensor(f.values, [f.rows, width!]);
    owned.push(t);
    return t;
  }
  const m = matrixFromArrays(op, 'x', x, finite);
  const t = ctx.tensor(m.values, [m.rows, m.cols]);
  owned.push(t);
  return t;
}

/**
 * Checks and converts x and y for a compiled, built-or-buildable model. `sparse` targets are class
 * indices ([samples] or [samples, 1]); other losses want [samples, units] ([samples] when units is 1).
 */
export async function prepareData(op: string, core: ModelCore, ctx: CoreContext, x: unknown, y: unknown, sparse: boolean): Promise<TrainingData> {
  const owned: Tensor[] = [];
  const dispose = () => owned.forEach((t) => t.destroy());
  try {
    const xT = inputTensor(op, ctx, x, owned, core.inputWidth);
    const samples = xT.shape[0];
    core.build(op, xT.shape[1]);
    const units = core.outputWidth;
    const wanted = sparse ? `[${samples}] or [${samples}, 1] (class indices)` : units === 1 ? `[${samples}, 1] or [${samples}]` : `[${samples}, ${units}]`;
    const mismatch = (shape: readonly number[]) =>
      new ShapeError(op, `y has shape ${formatShape(shape)}, but the last layer outputs (None, ${units}): y must be ${wanted}`);
    const rowsMismatch = (rows: number) => new ShapeError(op, `x has ${samples} samples but y has ${rows}`);

    let yT: Tensor;
    let labelKind: LabelKind = LabelKind.Dense;
    if (isTensor(y)) {
      ctx.input(op, 'y', y, null);
      if (y.rank === 0 || y.rank > 2) throw mismatch(y.shape);
      if (y.shape[0] !== samples) throw rowsMismatch(y.shape[0]);
      if (sparse) {
        if (y.rank === 2 && y.shape[1] !== 1) throw mismatch(y.shape);
        labelKind = y.dtype === 'int32' ? LabelKind.IndexInt : LabelKind.IndexFloat;
      } else {
        if (y.dtype !== 'float32') throw new ArgumentError(op, `y must be float32 for ${core.compiled?.loss}, got ${y.dtype}`);
        const cols = y.rank === 1 ? 1 : y.shape[1];
        if (cols !== units || (y.rank === 1 && units !== 1)) throw mismatch(y.shape);
      }
      yT = y;
    } else if (isFlat(y)) {
      const f = flatRows(op, 'y', y, sparse ? 1 : units, sparse ? units : null);
      if (f.rows !== samples) throw rowsMismatch(f.rows);
      yT = sparse ? ctx.tensor(f.values as Int32Array, [samples]) : ctx.tensor(f.values as Float32Array, [samples, units]);
      owned.push(yT);
      if (sparse) labelKind = LabelKind.IndexInt;
    } else if (Array.isArray(y) && y.length > 0) {
      if (y.length !== samples) throw rowsMismatch(y.length);
      if (sparse) {
        const labels = new Int32Array(samples);
        for (let r = 0; r < samples; r++) {
          const v = y[r] as unknown;
          if (Array.isArray(v)) {
            if (v.length !== 1) throw mismatch([samples, v.length]);
            labels[r] = checkIndex(op, 'y', `[${r}][0]`, v[0], units);
          } else labels[r] = checkIndex(op, 'y', `[${r}]`, v, units);
        }
        yT = ctx.tensor(labels, [samples]);
        owned.push(yT);
        labelKind = LabelKind.IndexInt;
      } else if (Array.isArray(y[0])) {
        const m = matrixFromArrays(op, 'y', y as ArrayInput);
        if (m.cols !== units) throw mismatch([m.rows, m.cols]);
        yT = ctx.tensor(m.values, [m.rows, m.cols]);
        owned.push(yT);
      } else {
        if (units !== 1) throw mismatch([samples]);
        const values = new Float32Array(samples);
        for (let r = 0; r < samples; r++) {
          const v = y[r] as unknown;
          if (typeof v !== 'number') throw new ArgumentError(op, `y[${r}] must be a number, got ${describe(v)}`);
          if (!Number.isFinite(v)) throw new ArgumentError(op, `y[${r}] is ${v}; y must hold finite numbers`);
          values[r] = v;
        }
        yT = ctx.tensor(values, [samples, 1]);
        owned.push(yT);
      }
    } else {
      throw new ArgumentError(op, `y must be a Tensor or a non-empty array, got ${describe(y)}`);
    }
    if (samples === 0) throw new ArgumentError(op, 'x has no samples');

    const checks: { arg: string; t: Tensor; mode: number; width: number }[] = [];
    if (!owned.includes(xT)) checks.push({ arg: 'x', t: xT, mode: 0, width: xT.shape[1] });
    if (!owned.includes(yT)) {
      const mode = labelKind === LabelKind.Dense ? 0 : labelKind === LabelKind.IndexFloat ? 1 : 2;
      checks.push({ arg: 'y', t: yT, mode, width: yT.rank === 2 ? yT.shape[1] : 1 });
    }
    await checkValues(op, ctx, checks, units);
    return { x: xT, y: yT, samples, labelKind, owned, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/**
 * Tensors already found valid, by what they were checked for (finite values, or class indices
 * below a count). A tensor's contents never change after it is made (except a tensor over an
 * app's buffer, which is scanned every time), so fitting or evaluating on the same tensors again
 * (a loop of fit calls) does not scan them again.
 */
const VALID = new WeakMap<Tensor, Set<string>>();

function checkKey(mode: number, classes: number): string {
  return mode === 0 ? 'finite' : `mode ${mode}, ${classes} classes`;
}

/** Finds the first bad value of each tensor not already found valid (GPU: one kernel and a 4-byte read each). */
async function checkValues(op: string, ctx: CoreContext, all: { arg: string; t: Tensor; mode: number; width: number }[], classes: number): Promise<void> {
  const checks = all.filter((c) => c.t.storage?.external || !VALID.get(c.t)?.has(checkKey(c.mode, classes)));
  const found = await findBadValues(ctx, op, checks, classes);
  checks.forEach((c, k) => {
    const i = found[k];
    if (i < 0) return;
    const data = c.t.storage?.data;
    const where = c.t.rank === 2 ? `${c.arg}[${Math.floor(i / c.width)}][${i % c.width}]` : `${c.arg}[${i}]`;
    const value = data ? ` = ${data[i]}` : '';
    if (c.mode === 0) throw new ArgumentError(op, `${where}${value} is not a finite number (NaN or infinite); ${c.arg} must hold finite numbers`);
    throw new ArgumentError(op, `${where}${value} is not a class index in 0..${classes - 1}`);
  });
  for (const c of checks) {
    // An app's buffer may be rewritten between calls: its scan is never reused.
    if (c.t.storage?.external) continue;
    const keys = VALID.get(c.t) ?? new Set<string>();
    keys.add(checkKey(c.mode, classes));
    VALID.set(c.t, keys);
  }
}

/**
 * Training data followed by validation data (fit's validationData) as one x and one y, so that
 * both trainers validate on "the samples after the training ones" as with validationSplit.
 */
export function appendRows(op: string, ctx: CoreContext, train: TrainingData, validation: TrainingData): TrainingData {
  if (validation.labelKind !== train.labelKind) {
    throw new ArgumentError(op, `validationData's targets must be of the same kind as y (${LABEL_KIND_NAMES[train.labelKind]}), got ${LABEL_KIND_NAMES[validation.labelKind]}`);
  }
  const samples = train.samples + validation.samples;
  const join = (a: Tensor, b: Tensor) => {
    const shape = a.rank === 2 ? [samples, a.shape[1]] : [samples];
    const t = a.dtype === 'int32' ? ctx.tensor(new Int32Array(a.size + b.size), shape) : ctx.tensor(new Float32Array(a.size + b.size), shape);
    copyElements(ctx, op, a, 0, t, 0, a.size);
    copyElements(ctx, op, b, 0, t, a.size, b.size);
    return t;
  };
  const owned = [join(train.x, validation.x), join(train.y, validation.y)];
  return {
    x: owned[0],
    y: owned[1],
    samples,
    labelKind: train.labelKind,
    owned,
    dispose: () => owned.forEach((t) => t.destroy()),
  };
}

const LABEL_KIND_NAMES: Record<LabelKind, string> = {
  [LabelKind.Dense]: 'float32 targets',
  [LabelKind.IndexInt]: 'int32 class indices',
  [LabelKind.IndexFloat]: 'float32 class indices',
};
