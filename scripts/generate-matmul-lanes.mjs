#!/usr/bin/env node
// Writes the accumulation loop of shaders/swiftshader/matmul_lanes.wgsl (the lines between its BEGIN and END
// markers): 64 accumulators and the multiply-adds of eight steps of k per iteration, in the order
// the kernel's header explains, too long and too regular to keep by hand. Run it after changing
// the layout (`node scripts/generate-matmul-lanes.mjs`); `--check` exits 1 where the shader
// differs from what it would write (test/generated-wgsl.test.ts runs that check).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SHADER = fileURLToPath(new URL('../shaders/swiftshader/matmul_lanes.wgsl', import.meta.url));
const BEGIN = '  // BEGIN accumulation, written by scripts/generate-matmul-lanes.mjs';
const END = '  // END accumulation';

const ROWS = 16;
const COLUMNS = 4; // vec4 columns per lane: 16 output columns
const STEPS = 8; // steps of k per iteration
const COMPONENT = ['x', 'y', 'z', 'w'];

/** Lines of at most `perLine` statements each, indented. */
function lines(statements, perLine, indent) {
  const out = [];
  for (let i = 0; i < statements.length; i += perLine) out.push(indent + statements.slice(i, i + perLine).join(' '));
  return out;
}

// Accumulator rows 4g .. 4g + 3 of lane L take their A values from lane L ^ g: its own for g = 0,
// then through these quad swaps (one shuffle each on SwiftShader, where subgroupBroadcast masks
// and reduces across the lanes).
const SWAP = ['', 'quadSwapX', 'quadSwapY', 'quadSwapDiagonal'];

/** The multiply-adds of `steps` steps of k (values b<j>, a<j>) for every row, row after row. */
function rowsOfSteps(steps, indent) {
  const out = [];
  for (let r = 0; r < ROWS; r++) {
    // Accumulator row r's A values: component r % 4 of lane (L ^ (r / 4))'s a<j>.
    const swap = SWAP[r >> 2];
    const shared = [];
    for (let j = 0; j < steps; j++) {
      const own = `a${j}.${COMPONENT[r % 4]}`;
      shared.push(`let s${j} = vec4f(${swap ? `${swap}(${own})` : own});`);
    }
    out.push(`${indent}{`, ...lines(shared, 2, indent + '  '));
    for (let c = 0; c < COLUMNS; c++) {
      const acc = `acc${r}_${c}`;
      const chain = [];
      for (let j = 0; j < steps; j++) chain.push(`${acc} = fma(s${j}, b${j}[${c}], ${acc});`);
      out.push(...lines(chain, 4, indent + '  '));
    }
    out.push(`${indent}}`);
  }
  return out;
}

export function accumulation() {
  const out = [BEGIN];
  out.push('  // acc<r>_<c>: row row0 + 4 (lane ^ (r / 4)) + r % 4, columns col0 + 4c .. col0 + 4c + 3.');
  for (let r = 0; r < ROWS; r++) {
    out.push('  ' + Array.from({ length: COLUMNS }, (_, c) => `var acc${r}_${c} = vec4f();`).join(' '));
  }
  const load = (j, k) => [`let b${j} = loadB(${k}, ops);`, `let a${j} = loadA(${k}, ops);`];
  out.push(`  let unrolledEnd = params.depth - params.depth % ${STEPS}u;`);
  out.push(`  for (var k = 0u; k < unrolledEnd; k += ${STEPS}u) {`);
  const loads = Array.from({ length: STEPS }, (_, j) => load(j, j ? `k + ${j}u` : 'k'));
  out.push(...lines(loads.map((l) => l[0]), 4, '    '), ...lines(loads.map((l) => l[1]), 4, '    '));
  out.push(...rowsOfSteps(STEPS, '    '));
  out.push('  }');
  // The steps past the last multiple of 8, one at a time; only where the host says there are
  // any (`partialK`): on SwiftShader the mere presence of this second loop made the first one
  // 4-5% slower.
  out.push('  if (partialK) {');
  out.push('    for (var k = unrolledEnd; k < params.depth; k++) {');
  out.push(...lines(load(0, 'k'), 2, '      '));
  out.push(...rowsOfSteps(1, '      '));
  out.push('    }');
  out.push('  }');
  const rows = Array.from({ length: ROWS }, (_, r) => `let acc${r} = mat4x4f(${Array.from({ length: COLUMNS }, (_, c) => `acc${r}_${c}`).join(', ')});`);
  out.push(...lines(rows, 2, '  '));
  out.push(END);
  return out;
}

/** The shader with its accumulation region replaced by what this script writes. */
export function generatedShader(source) {
  const all = source.split('\n');
  const begin = all.indexOf(BEGIN);
  const end = all.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`${SHADER}: the BEGIN / END accumulation markers are missing`);
  return [...all.slice(0, begin), ...accumulation(), ...all.slice(end + 1)].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = readFileSync(SHADER, 'utf8');
  const generated = generatedShader(source);
  if (process.argv.includes('--check')) {
    if (generated !== source) {
      console.error(`${SHADER} is out of date: run node scripts/generate-matmul-lanes.mjs`);
      process.exit(1);
    }
  } else if (generated !== source) {
    writeFileSync(SHADER, generated);
    console.log(`wrote ${SHADER}`);
  }
}
