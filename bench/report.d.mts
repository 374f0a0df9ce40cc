// Types of bench/report.mjs (plain Node JS, no build step) for TypeScript callers: the demo
// site's bench page draws its tables and chart with these functions.
import type { Result } from './harness';

export const COMPETITORS: string[];
export interface Speedup {
  ratio: number;
  basis: 'median' | 'roundtrip';
}
export function speedup(ours: Result | undefined, theirs: Result | undefined): Speedup | null;
export interface Comparison {
  op: string;
  shape: number[];
  vs: Record<string, { status: string; variant: string | null; speedup: Speedup | null } | null>;
}
export function comparisons(results: Result[]): Comparison[];
export function fmt(v: number | null | undefined, digits?: number): string;
export const TABLE_HEADER: string[];
export function tableCells(results: Result[]): string[][];
export interface ReportMeta {
  date: string;
  command: string;
  browser: string;
  versions: Record<string, string>;
  chart: string;
}
export function markdown(out: { adapter: { vendor: string; architecture: string; description: string }; settings: unknown; seconds: number; results: Result[]; autotune?: unknown[] }, meta: ReportMeta): string;
export function svgChart(results: Result[], title: string): string;
