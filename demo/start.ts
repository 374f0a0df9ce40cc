/**
 * `npm start`: what webgpu-nn does, in one run. Softmax of a 4096 x 1024 batch on WebGPU (timed,
 * checked against the CPU reference), then the article's 5-element example and its Jacobian.
 */
import { createContext, cpu, type Context } from '../src/index';
import { formatArray } from './format';
import { mulberry32 } from './random';

/** Seeded uniform numbers in [lo, hi), so every run shows the same example. */
export function seeded(seed: number, n: number, lo: number, hi: number): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + next() * (hi - lo));
}

export async function main(): Promise<void> {
  const ctx = await createContext();
  const a = ctx.adapterInfo;
  console.log(`webgpu-nn on ${ctx.backend}${a ? ` (adapter ${a.vendor}/${a.architecture}${a.description ? `, ${a.description}` : ''})` : ''}`);

  const rows = 4096;
  const cols = 1024;
  const logits = seeded(1, rows * cols, -10, 10);
  console.log(`\nsoftmax of a [${rows}, ${cols}] batch (${((rows * cols * 4) / 2 ** 20).toFixed(0)} MiB of logits):`);
  for (const label of ['first call (compiles the kernel)', 'second call', 'third call']) {
    const t0 = performance.now();
    const x = ctx.tensor(logits, [rows, cols]);
    const p = ctx.softmax(x);
    const probs = await p.read();
    const ms = performance.now() - t0;
    console.log(`  ${label}: ${ms.toFixed(1)} ms for upload + softmax + readback (kernel: ${ctx.lastKernelVariant('softmax') ?? 'cpu'})`);
    if (label === 'third call') {
      const t1 = performance.now();
      const ref = cpu.softmax(logits, [rows, cols]);
      const cpuMs = performance.now() - t1;
      let maxError = 0;
      for (let i = 0; i < ref.length; i++) maxError = Math.max(maxError, Math.abs(probs[i] - ref[i]));
      let worstSum = 0;
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let c = 0; c < cols; c++) s += probs[r * cols + c];
        worstSum = Math.max(worstSum, Math.abs(s - 1));
      }
      console.log(`  CPU reference (float64 sums): ${cpuMs.toFixed(1)} ms; max |gpu - cpu| = ${maxError.toExponential(2)}; rows sum to 1 within ${worstSum.toExponential(2)}`);
    }
    x.destroy();
    p.destroy();
  }

  const example = await jacobianExample(ctx, seeded(5, 5, -2, 2));
  for (const line of example.lines) console.log(line);
  ctx.destroy();
}

/**
 * The article's example for logits `x5` (n elements; `origin` says where they come from):
 * S = softmax(x), its Jacobian from one fused kernel, and the lines `npm start` prints about them
 * (the article page shows the same lines).
 * The tensors it makes are destroyed before it returns.
 */
export async function jacobianExample(ctx: Context, x5: Float32Array, origin = 'seeded logits'): Promise<{ probs: Float32Array; jacobian: Float32Array; lines: string[] }> {
  const n = x5.length;
  const x = ctx.tensor(x5);
  const s = ctx.softmax(x);
  const jt = ctx.softmaxJacobian(x);
  let s5: Float32Array;
  let jac: Float32Array;
  try {
    s5 = await s.read();
    jac = Float32Array.from(await jt.read());
  } finally {
    x.destroy();
    s.destroy();
    jt.destroy();
  }
  const lines: string[] = [];
  lines.push('', `The article's ${n}-element example (${origin}):`);
  lines.push(`  x = ${formatArray(x5, [n])}`);
  lines.push(`  S = softmax(x) = ${formatArray(s5, [n])}`);
  lines.push(`  sum(S) = ${s5.reduce((p, v) => p + v, 0).toFixed(7)}`);

  // The article's next step: dS_i/dx_j = S_i (delta_ij - S_j), i.e. J = diag(S) - S S^T, here
  // from one fused kernel (softmax + outer product) on the logits.
  const J = (i: number, j: number) => jac[i * n + j];
  const f = (v: number) => v.toFixed(8);
  lines.push('', 'Its Jacobian, J[i][j] = dS_i/dx_j = S_i * (delta_ij - S_j), i.e. J = diag(S) - S S^T:');
  lines.push(`  diagonal J[i][i]       = ${formatArray(Array.from({ length: n }, (_, i) => J(i, i)), [n])}`);
  lines.push(`  S * (1 - S)            = ${formatArray(Array.from(s5, (v) => v * (1 - v)), [n])}`);
  for (const [i, j] of [[0, 1], [1, 0], [2, 4]].filter(([i, j]) => i < n && j < n)) {
    lines.push(`  J[${i}][${j}] = ${f(J(i, j))}   -S${i}*S${j} = ${f(-s5[i] * s5[j])}`);
  }
  let symmetric = 0;
  let rowSum = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) {
      symmetric = Math.max(symmetric, Math.abs(J(i, j) - J(j, i)));
      sum += J(i, j);
    }
    rowSum = Math.max(rowSum, Math.abs(sum));
  }
  lines.push(`  J is symmetric (max |J - J^T| = ${symmetric.toExponential(1)}); each row sums to 0 (max |sum| = ${rowSum.toExponential(1)})`);
  lines.push(`  J =\n${formatArray(jac, [n, n]).replace(/^/gm, '  ')}`);
  return { probs: s5, jacobian: jac, lines };
}
