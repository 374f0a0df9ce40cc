/**
 * The site's charts: Observable Plot for bars, lines and heatmaps (SVG, redrawn whole: they are
 * small), and 2-D canvases for the decision-boundary maps (the training playground draws its map
 * with WebGPU where it has a device, decision-map.ts, in the same colours).
 */
import * as Plot from '@observablehq/plot';

/** Width for a chart inside `container`: its own width, capped, at least 280 px. */
function widthOf(container: HTMLElement, max = 640): number {
  return Math.max(280, Math.min(max, container.clientWidth || max));
}

/** How to draw each chart again at its container's new width. */
const redraws = new Map<HTMLElement, () => Element>();
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => redraws.forEach((make, container) => container.replaceChildren(make())), 150);
});

/** Draws a chart into `container` now, and again whenever the window is resized. */
function show(container: HTMLElement, make: () => Element): void {
  redraws.set(container, make);
  container.replaceChildren(make());
}

/** Probabilities (or any values in [0, 1]) per index, as bars. */
export function probabilityBars(container: HTMLElement, values: ArrayLike<number>, label = 'S_i'): void {
  const data = Array.from(values, (v, i) => ({ i, v: Number.isFinite(v) ? v : 0 }));
  show(container, () => Plot.plot({
    width: widthOf(container, 480),
    height: 200,
    marginLeft: 44,
    y: { domain: [0, 1], grid: true, label },
    x: { type: 'band', label: 'index i', padding: 0.2 },
    marks: [Plot.barY(data, { x: 'i', y: 'v', fill: '#2f62c0', title: (d: { v: number }) => d.v.toFixed(6) }), Plot.ruleY([0])],
  }));
}

/** An n x n matrix as coloured cells, diverging around 0 (the softmax Jacobian). */
export function matrixHeatmap(container: HTMLElement, values: ArrayLike<number>, n: number, title: string): void {
  const data = Array.from(values, (v, k) => ({ row: Math.floor(k / n), col: k % n, v }));
  const extent = Math.max(1e-12, ...data.map((d) => (Number.isFinite(d.v) ? Math.abs(d.v) : 0)));
  show(container, () => Plot.plot({
    width: widthOf(container, 360),
    height: widthOf(container, 360),
    marginLeft: 36,
    marginTop: 30,
    padding: 0.04,
    x: { axis: 'top', label: 'j', domain: Array.from({ length: n }, (_, j) => j) },
    y: { label: 'i', domain: Array.from({ length: n }, (_, i) => i) },
    color: { type: 'diverging', scheme: 'RdBu', domain: [-extent, extent], legend: false },
    caption: title,
    marks: [
      Plot.cell(data, { x: 'col', y: 'row', fill: 'v', title: (d: { v: number }) => d.v.toExponential(3) }),
      ...(n <= 8 ? [Plot.text(data, { x: 'col', y: 'row', text: (d: { v: number }) => d.v.toFixed(3), fontSize: 10, fill: (d: { v: number }) => (Math.abs(d.v) > extent * 0.6 ? 'white' : 'black') })] : []),
    ],
  }));
}

export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

/** Loss curves (log y when the values span more than a decade). */
export function lineChart(container: HTMLElement, series: Series[], xLabel: string, yLabel: string): void {
  const data = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.y) && p.y > 0).map((p) => ({ ...p, name: s.name })));
  const ys = data.map((d) => d.y);
  const log = ys.length > 1 && Math.max(...ys) / Math.min(...ys) > 10;
  show(container, () => Plot.plot({
    width: widthOf(container),
    height: 220,
    marginLeft: 52,
    x: { label: xLabel, grid: true },
    y: { label: yLabel, type: log ? 'log' : 'linear', grid: true, tickFormat: '~g' },
    color: { legend: series.length > 1, domain: series.map((s) => s.name), range: ['#2f62c0', '#e8710a', '#1e7a3c'] },
    marks: [Plot.line(data, { x: 'x', y: 'y', stroke: 'name', strokeWidth: 2 })],
  }));
}

export interface Bar {
  label: string;
  group: string;
  value: number;
}

/**
 * Horizontal bars on a log scale, one group per label with the label above it (so that narrow
 * screens need no left margin), and a rule at 1 (the bench page's speedups).
 */
export function speedupBars(container: HTMLElement, bars: Bar[], groups: string[]): void {
  const labels = [...new Set(bars.map((b) => b.label))];
  const values = bars.map((b) => b.value);
  const lo = Math.min(0.5, ...values.map((v) => v / 1.5));
  const hi = Math.max(10, ...values.map((v) => v * 2));
  // A blank band at the top of each group holds its label.
  const heading = ' ';
  show(container, () => Plot.plot({
    width: widthOf(container, 900),
    height: labels.length * ((groups.length + 1) * 14 + 6) + 80,
    marginLeft: 10,
    marginRight: 20,
    x: { type: 'log', domain: [lo, hi], label: "their time / webgpu-nn's (right of 1: webgpu-nn faster)", grid: true, tickFormat: '~g' },
    y: { domain: [heading, ...groups], axis: null, paddingInner: 0.15 },
    fy: { domain: labels, axis: null, padding: 0.1 },
    color: { legend: true, domain: groups, range: ['#e8710a', '#f6b26b', '#3c78d8'] },
    marks: [
      Plot.barX(bars, { x1: 1, x2: 'value', y: 'group', fy: 'label', fill: 'group', title: (b: Bar) => `${b.group}: ${b.value.toFixed(2)}x` }),
      Plot.text(bars, { x: 'value', y: 'group', fy: 'label', text: (b: Bar) => `${b.value >= 10 ? b.value.toFixed(0) : b.value.toFixed(1)}x`, textAnchor: 'start', dx: 4, fontSize: 10 }),
      Plot.text(labels, { fy: (l: string) => l, y: () => heading, x: lo, text: (l: string) => l, textAnchor: 'start', fontWeight: 'bold', fontSize: 11 }),
      Plot.ruleX([1], { stroke: 'black' }),
    ],
  }));
}

/** Grid points, rows from the top (y high) to the bottom, as decisionMap draws them. */
export function gridPoints(n: number, [lo, hi]: [number, number]): number[][] {
  const at = (k: number) => lo + ((k + 0.5) / n) * (hi - lo);
  return Array.from({ length: n * n }, (_, k) => [at(k % n), at(n - 1 - Math.floor(k / n))]);
}

/**
 * The decision maps' colour scale, in 0-255 sRGB: probability 0 (class 0, orange) through 0.5
 * (white) to 1 (class 1, blue), linear on each half. The training playground's GPU map takes the
 * same three colours as its shader's uniforms.
 */
export const MAP_COLOURS = { class0: [255, 165, 55], middle: [255, 255, 255], class1: [45, 105, 215] } as const;

/** The colour of probability `p` (clamped to [0, 1]) on the decision maps' scale. */
function mapColour(p: number): number[] {
  const t = Math.min(1, Math.max(0, p)) * 2 - 1;
  const end = t < 0 ? MAP_COLOURS.class0 : MAP_COLOURS.class1;
  const w = Math.abs(t);
  return MAP_COLOURS.middle.map((m, i) => m + (end[i] - m) * w);
}

/**
 * `values[r * n + c]` (probability of class 1 at grid point (c, r), rows from the top) drawn over
 * the whole canvas, each grid point a pixel scaled up with smoothing.
 */
export function mapCells(canvas: HTMLCanvasElement, values: ArrayLike<number>, n: number): void {
  const g = canvas.getContext('2d')!;
  const image = g.createImageData(n, n);
  for (let k = 0; k < n * n; k++) image.data.set([...mapColour(values[k]), 255], k * 4);
  const tile = document.createElement('canvas');
  tile.width = n;
  tile.height = n;
  tile.getContext('2d')!.putImageData(image, 0, 0);
  g.imageSmoothingEnabled = true;
  g.drawImage(tile, 0, 0, canvas.width, canvas.height);
}

/** The training points over what `canvas` already shows, coloured by class. */
export function mapPoints(canvas: HTMLCanvasElement, points: { x: number; y: number; label: number }[], [lo, hi]: [number, number], radius = 3): void {
  const size = canvas.width;
  const g = canvas.getContext('2d')!;
  for (const pt of points) {
    const px = ((pt.x - lo) / (hi - lo)) * size;
    const py = (1 - (pt.y - lo) / (hi - lo)) * size;
    g.beginPath();
    g.arc(px, py, radius, 0, Math.PI * 2);
    g.fillStyle = pt.label ? '#1f4fb0' : '#d2691e';
    g.fill();
    g.strokeStyle = '#fff';
    g.lineWidth = radius > 4 ? 2 : 1;
    g.stroke();
  }
}

/** A 2-D decision map (`mapCells`) with the training points over it, on one canvas. */
export function decisionMap(canvas: HTMLCanvasElement, values: ArrayLike<number>, n: number, points: { x: number; y: number; label: number }[], range: [number, number], radius = 3): void {
  mapCells(canvas, values, n);
  mapPoints(canvas, points, range, radius);
}

/** Signed values side by side per label (the reversal page's weights before and after training). */
export function groupedBars(container: HTMLElement, bars: Bar[], yLabel: string): void {
  const groups = [...new Set(bars.map((b) => b.group))];
  show(container, () => Plot.plot({
    width: widthOf(container, 520),
    height: 220,
    marginLeft: 48,
    x: { axis: null, domain: groups, paddingOuter: 0.2 },
    fx: { label: null, padding: 0.15 },
    y: { grid: true, label: yLabel },
    color: { legend: true, domain: groups, range: ['#9aa9c7', '#2f62c0'] },
    marks: [Plot.barY(bars, { fx: 'label', x: 'group', y: 'value', fill: 'group', title: (b: Bar) => `${b.group}: ${b.value.toFixed(4)}` }), Plot.ruleY([0])],
  }));
}
