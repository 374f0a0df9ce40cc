/**
 * Tolerance comparison shared by Node tests and the in-page GPU tests:
 * |actual - expected| <= atol + rtol * |expected|, with NaN matching only NaN and infinities
 * matching only themselves. Reports the largest error and the first mismatches.
 */
export interface Mismatch {
  index: number;
  actual: number;
  expected: number;
}

export interface Comparison {
  length: number;
  mismatches: number;
  maxAbsError: number;
  first: Mismatch[];
}

export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, atol: number, rtol: number): Comparison {
  const first: Mismatch[] = [];
  let mismatches = 0;
  let maxAbsError = 0;
  if (actual.length !== expected.length) {
    return { length: actual.length, mismatches: Math.max(actual.length, expected.length), maxAbsError: Infinity, first: [{ index: -1, actual: actual.length, expected: expected.length }] };
  }
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    let ok: boolean;
    if (Number.isNaN(e) || Number.isNaN(a)) ok = Number.isNaN(e) && Number.isNaN(a);
    else if (!Number.isFinite(e) || !Number.isFinite(a)) ok = a === e;
    else {
      const err = Math.abs(a - e);
      if (err > maxAbsError) maxAbsError = err;
      ok = err <= atol + rtol * Math.abs(e);
    }
    if (!ok) {
      mismatches++;
      if (first.length < 5) first.push({ index: i, actual: a, expected: e });
    }
  }
  return { length: actual.length, mismatches, maxAbsError, first };
}

export function formatComparison(label: string, c: Comparison): string {
  const firsts = c.first.map((m) => `[${m.index}] got ${m.actual}, expected ${m.expected}`).join('; ');
  return `${label}: ${c.mismatches}/${c.length} mismatches, max |error| ${c.maxAbsError.toExponential(2)}${firsts ? `; first: ${firsts}` : ''}`;
}

/** Seeded uniform values in [lo, hi) (mulberry32), so failures reproduce. */
export function randomArray(length: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(length);
  let state = seed >>> 0;
  for (let i = 0; i < length; i++) {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}

/**
 * Values crossing the page boundary go through JSON, which has no NaN or Infinity: encode them
 * as strings in the page and decode them in Node.
 */
export type Encoded = (number | 'NaN' | 'Infinity' | '-Infinity')[];

export function encode(values: ArrayLike<number>): Encoded {
  return Array.from(values, (v) => (Number.isFinite(v) ? v : (String(v) as 'NaN' | 'Infinity' | '-Infinity')));
}

export function decode(values: Encoded): number[] {
  return values.map((v) => (typeof v === 'number' ? v : Number(v)));
}

/** 'Name: message' of what `fn` throws, '' if it returns (errors cross the page boundary as text). */
export function thrown(fn: () => unknown): string {
  try {
    fn();
    return '';
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}
