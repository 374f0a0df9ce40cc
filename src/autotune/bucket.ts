/**
 * Shape buckets: tuning results are kept per op and bucket, not per exact shape, so that one
 * measurement serves every shape that behaves alike (a batch of 4000 rows and one of 4096 pick
 * the same kernel). Sizes are bucketed by the next power of two; properties that decide which
 * variants can run at all (alignment, the axis being contiguous) are part of the key, so a winner
 * is usable for every shape in its bucket.
 */

/** The next power of two >= n, as `2^k` (`0` for 0). */
export function pow2Bucket(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new Error(`pow2Bucket: ${n} is not a non-negative integer`);
  if (n === 0) return '0';
  let k = 0;
  while (2 ** k < n) k++;
  return `2^${k}`;
}

/** `op` plus `parts` in a stable, readable key, e.g. `softmax:rows=2^12,length=2^10,vec4=1`. */
export function bucketKey(op: string, parts: Record<string, string | number | boolean>): string {
  const fields = Object.entries(parts).map(([k, v]) => `${k}=${typeof v === 'boolean' ? Number(v) : v}`);
  return `${op}:${fields.join(',')}`;
}
