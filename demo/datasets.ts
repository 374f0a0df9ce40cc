/**
 * The training playground's 2-D datasets, in the spirit of the TensorFlow Playground: points in
 * [-1, 1]² with a label 0 or 1, and gaussian noise (standard deviation `noise`) on the
 * coordinates. Seeded: the same choices give the same points.
 */
import { gaussian, mulberry32 } from './random';

export const DATASETS = {
  xor: 'XOR quadrants',
  circles: 'circle inside a ring',
  spirals: 'two spirals',
  blobs: 'gaussian blobs',
} as const;
export type DatasetName = keyof typeof DATASETS;

export interface Point {
  x: number;
  y: number;
  label: number;
}

export function makeDataset(name: DatasetName, count: number, noise: number, seed = 1): Point[] {
  const uniform = mulberry32(seed);
  const normal = gaussian(uniform);
  const jitter = (p: Point): Point => ({ x: p.x + noise * normal(), y: p.y + noise * normal(), label: p.label });
  const points = Array.from({ length: count }, (_, i): Point => {
    const label = i % 2;
    switch (name) {
      case 'xor': {
        // Away from the axes by a margin, as the TensorFlow Playground does.
        const sx = uniform() < 0.5 ? -1 : 1;
        const sy = label ? -sx : sx;
        return { x: sx * (0.1 + 0.85 * uniform()), y: sy * (0.1 + 0.85 * uniform()), label };
      }
      case 'circles': {
        const r = label ? 0.5 * Math.sqrt(uniform()) : 0.7 + 0.3 * uniform();
        const a = 2 * Math.PI * uniform();
        return { x: r * Math.cos(a), y: r * Math.sin(a), label };
      }
      case 'spirals': {
        const t = uniform();
        const r = 0.05 + 0.9 * t;
        const a = 3.5 * Math.PI * t + label * Math.PI;
        return { x: r * Math.cos(a), y: r * Math.sin(a), label };
      }
      case 'blobs': {
        const c = label ? 0.45 : -0.45;
        return { x: c + 0.22 * normal(), y: c + 0.22 * normal(), label };
      }
    }
  });
  return points.map(jitter);
}
