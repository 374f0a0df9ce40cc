/**
 * What one op is, declared once: its argument checks, its CPU reference, its WebGPU kernels, and
 * (for ops with more than one kernel) its variants, the rule that picks one per adapter profile
 * and shape, and whether the autotuner may time them. The context's backend runs either the
 * reference or the kernels; the variant registry, the autotuner, the bench and the per-variant
 * tests read the same definition.
 */
import type { GpuRuntime } from '../gpu/runtime.js';
import type { CoreContext } from '../core-context.js';
import type { OptionSchema } from '../options.js';

/** Scratch inputs and outputs of one problem (from the context's pool); `record` records one run of a variant. */
export interface PreparedProblem {
  record(variant: string): void;
  buffers: GPUBuffer[];
}

/**
 * How the autotuner times an op's variants. `op` is the name `ctx.autotune(op, ...)` takes and
 * winners are stored under; ops that run the same kernels (dense, denseBackward run matmul's GEMM)
 * share one tuning.
 */
export interface OpTuning<P> {
  op: string;
  /** The problem of `autotune(op, shape, { axis })`; throws typed errors on bad arguments. */
  problem(shape: readonly number[], axis: number | undefined): P;
  bucket(problem: P): string;
  /**
   * Problems of growing size that behave alike, smallest first, the last being `problem` itself,
   * each with its size ratio full / level (see src/autotune/select.ts).
   */
  ladder(problem: P): { problem: P; scale: number }[];
  prepare(gpu: GpuRuntime, problem: P): PreparedProblem;
}

/**
 * One kernel variant of an op, declared as one object in the op's folder: whether it can run a
 * problem on a device, and how it records a run. `Args` are what the op's record function hands
 * every variant (bindings and the problem's view of them).
 */
export interface Variant<P, Args extends unknown[]> {
  readonly name: string;
  usable(gpu: GpuRuntime, problem: P): boolean;
  record(gpu: GpuRuntime, op: string, ...args: Args): void;
}

/** An op's variant objects, with what `OpVariants` needs derived from them. */
export interface VariantSet<P, V> {
  names: readonly string[];
  usable(gpu: GpuRuntime, variant: string, problem: P): boolean;
  /** The variant called `name`; a name outside the set is a bug in the caller. */
  named(name: string): V;
}

/** Builds a `VariantSet` from the op's variant objects; their order is the listing order. */
/* @__NO_SIDE_EFFECTS__ */
export function variantSet<P, V extends Variant<P, never>>(op: string, variants: readonly V[]): VariantSet<P, V> {
  return {
    names: variants.map((v) => v.name),
    usable: (gpu, name, problem) => variants.some((v) => v.name === name && v.usable(gpu, problem)),
    named(name) {
      const variant = variants.find((v) => v.name === name);
      if (!variant) throw new Error(`unknown ${op} variant ${name}`);
      return variant;
    },
  };
}

/** An op's kernel variants over its problem P (the op's own view of its arguments: a layout). */
export interface OpVariants<P> {
  /** The name ctx.kernelVariants / setKernelVariant / lastKernelVariant take. */
  op: string;
  names: readonly string[];
  /** Whether `variant` can run `problem` on this device. */
  usable(gpu: GpuRuntime, variant: string, problem: P): boolean;
  /** The fixed rule per adapter profile (`gpu.profile`) and shape; always a usable variant. */
  rule(gpu: GpuRuntime, problem: P): string;
  /** Present when the autotuner may time the variants. */
  tuning?: OpTuning<P>;
}

/**
 * One op. `check` validates the caller's arguments (typed errors naming the op and the argument)
 * and returns what both implementations take; `reference` computes the result on the cpu backend
 * (float64 arithmetic where it matters) and `webgpu` records kernels into the context's encoder.
 * Ops that exist only as kernels (the fused trainer) have no reference. An op that takes an
 * options object (or all its arguments as one object) declares its keys in `options`; `check`
 * validates that object against it with checkOptions (src/options.ts), so that the schema a call
 * enforces is the one its definition shows.
 */
export interface OpDefinition<In extends unknown[], A, R> {
  name: string;
  options?: OptionSchema;
  check(ctx: CoreContext, ...input: In): A;
  reference: ((ctx: CoreContext, args: A) => R) | null;
  webgpu(ctx: CoreContext, gpu: GpuRuntime, args: A): R;
}

/** Validates and runs `def` on the context's backend. */
export function runOp<In extends unknown[], A, R>(ctx: CoreContext, def: OpDefinition<In, A, R>, ...input: In): R {
  ctx.checkUsable(def.name);
  return ctx.runner.run(ctx, def, def.check(ctx, ...input));
}

const REGISTERED = new Map<string, OpVariants<never>>();

/**
 * Declares an op's variants, so that contexts list and pin them. Called at the top of the op's
 * module, marked pure there: a bundler drops the declaration with the op when nothing uses the
 * op, so a bundle declares the variants of exactly the ops it uses.
 */
export function defineVariants<P>(variants: OpVariants<P>): OpVariants<P> {
  REGISTERED.set(variants.op, variants as unknown as OpVariants<never>);
  return variants;
}

/** The declared variants of `op`, or undefined. */
export function declaredVariants(op: string): OpVariants<unknown> | undefined {
  return REGISTERED.get(op) as OpVariants<unknown> | undefined;
}

/** Names of the ops with declared variants. */
export function opsWithVariants(): string[] {
  return [...REGISTERED.keys()];
}

/** The tunings the autotuner knows: those of the declared ops that are tuned under their own name. */
export function declaredTuning(op: string): { variants: OpVariants<unknown>; tuning: OpTuning<unknown> } | null {
  const variants = declaredVariants(op);
  const tuning = variants?.tuning;
  return variants && tuning && tuning.op === op ? { variants, tuning } : null;
}

export function tunableOps(): string[] {
  return opsWithVariants().filter((op) => declaredTuning(op) !== null);
}

/** The usable variants of `problem`, the fixed rule's first (the autotuner's candidates). */
export function candidateVariants<P>(variants: OpVariants<P>, gpu: GpuRuntime, problem: P): string[] {
  const first = variants.rule(gpu, problem);
  return [first, ...variants.names.filter((v) => v !== first && variants.usable(gpu, v, problem))];
}

/**
 * The variant an op call runs: the pinned one where it can run, else the autotuned one, else the
 * rule's; recorded as the op's last variant.
 */
export function chooseVariant<P>(ctx: CoreContext, gpu: GpuRuntime, variants: OpVariants<P>, problem: P): string {
  const tuned = variants.tuning ? ctx.tunedVariant(variants, problem) : null;
  return ctx.variants.resolve(variants.op, tuned ?? variants.rule(gpu, problem), (v) => variants.usable(gpu, v, problem));
}
