/**
 * Kernel variant selection. Each op has candidate kernels; a rule picks one per adapter profile
 * and shape (see docs/kernels.md for the measurements behind the rules). A context can
 * pin a variant per op (tests use this to check every variant; benchmarks to compare them) and
 * records the last choice per op so that benchmarks can report what ran.
 */
import { ArgumentError } from '../errors.js';
import { declaredVariants, opsWithVariants } from './definition.js';

export class VariantRegistry {
  private readonly pinned = new Map<string, string>();
  private readonly last = new Map<string, string>();

  /** Names of the variants of `op` (declared by the op definitions this program imports). */
  list(op: string): readonly string[] {
    const variants = declaredVariants(op);
    if (!variants) throw new ArgumentError('kernelVariants', `unknown op ${JSON.stringify(op)}; ops with variants: ${opsWithVariants().join(', ')}`);
    return variants.names;
  }

  pin(op: string, variant: string): void {
    const names = this.list(op);
    if (variant === 'auto') {
      this.pinned.delete(op);
      return;
    }
    if (!names.includes(variant)) {
      throw new ArgumentError('setKernelVariant', `variant ${JSON.stringify(variant)} is not one of ${op}'s: auto, ${names.join(', ')}`);
    }
    this.pinned.set(op, variant);
  }

  /** The variant pinned for `op`, or null. */
  pinnedVariant(op: string): string | null {
    return this.pinned.get(op) ?? null;
  }

  /** The pinned variant if it can run (`usable`), else `chosen`; records the result. */
  resolve(op: string, chosen: string, usable: (variant: string) => boolean): string {
    const pinned = this.pinned.get(op);
    const variant = pinned !== undefined && usable(pinned) ? pinned : chosen;
    this.last.set(op, variant);
    return variant;
  }

  lastUsed(op: string): string | null {
    return this.last.get(op) ?? null;
  }
}
