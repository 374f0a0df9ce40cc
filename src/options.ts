/**
 * Strict options: every public call that takes an options object checks its keys here, so that a
 * misspelt or foreign option is an error with a suggestion instead of a silently ignored setting.
 * One message format everywhere: `<call>: unknown option 'reductoin' (did you mean 'reduction'?)`.
 */
import { ArgumentError } from './errors.js';
import { describe } from './shape.js';

export interface OptionSchema {
  /** The option names the call accepts. */
  readonly known: readonly string[];
  /** Names other libraries use for a known option (Keras's `lr`), mapped to the accepted name. */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Options of other libraries that webgpu-nn does not offer, each with the sentence saying so. */
  readonly unsupported?: Readonly<Record<string, string>>;
}

/**
 * Checks that `options` is undefined or an object whose keys `schema` knows, and returns it as a
 * record (empty for undefined). `arg` names the argument in messages (`'arguments'` for a call
 * that takes all its arguments as one object, like denseBackward).
 *
 * @example
 * const { reduction } = checkOptions('softmaxCrossEntropy', options, { known: ['reduction'] });
 */
export function checkOptions(call: string, options: unknown, schema: OptionSchema, arg = 'options'): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options) || ArrayBuffer.isView(options)) {
    throw new ArgumentError(call, `${arg} must be an object, got ${describe(options)}`);
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (schema.known.includes(key)) continue;
    const prefix = arg === 'options' ? 'unknown option' : arg === 'arguments' ? 'unknown argument' : `unknown option in ${arg}:`;
    const unsupported = schema.unsupported?.[key];
    if (unsupported !== undefined) throw new ArgumentError(call, `${prefix} '${key}': ${unsupported}`);
    const alias = schema.aliases?.[key];
    if (alias !== undefined) throw new ArgumentError(call, `${prefix} '${key}' (webgpu-nn calls it '${alias}')`);
    const guess = closestName(key, schema.known);
    const hint = guess ? `did you mean '${guess}'?` : schema.known.length ? `known options: ${schema.known.map((k) => `'${k}'`).join(', ')}` : 'it takes no options';
    throw new ArgumentError(call, `${prefix} '${key}' (${hint})`);
  }
  return record;
}

/** The known name closest to `name` (snake_case read as camelCase, case ignored), or null. */
export function closestName(name: string, known: readonly string[]): string | null {
  const normalized = name.replace(/_([a-z0-9])/gi, (_, c: string) => c.toUpperCase()).toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = editDistance(normalized, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A suggestion is worth making when at most a third of the letters differ.
  return best !== null && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : null;
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[rows - 1][cols - 1];
}
