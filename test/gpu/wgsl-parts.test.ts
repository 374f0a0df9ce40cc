/**
 * Each shared WGSL part (shaders/parts/) compiles with only the inputs its contract declares, so
 * a part that starts reading something of the kernel it is appended to fails here rather than in
 * whichever kernel happens to declare that name.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, type GpuPage } from './page';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPage();
});
afterAll(async () => {
  await gpu?.close();
});

const part = (name: string) => readFileSync(`shaders/parts/${name}.wgsl`, 'utf8');

/** A part with the declarations that stand for its declared inputs, and a trivial entry point. */
interface PartCase {
  label: string;
  code: string;
}

const CASES: PartCase[] = [
  { label: 'prelude', code: part('prelude') },
  { label: 'training_codes', code: part('training_codes') },
  {
    label: 'labels',
    code: [
      '@group(0) @binding(0) var<storage, read> labels: array<u32>;',
      'override labelKind: u32 = 0u;',
      'fn labelWidth() -> u32 { return 1u; }',
      part('training_codes'),
      part('labels'),
    ].join('\n'),
  },
  {
    label: 'losses',
    code: [
      'override lossCode: u32 = 0u;',
      'alias ActValue = f32;',
      'fn targetValue(sample: u32, j: u32) -> f32 { return 0.0; }',
      'fn outputValue(at: u32, j: u32) -> f32 { return 0.0; }',
      'fn lossGradient(at: u32, j: u32) -> f32 { return 0.0; }',
      'fn setLossGradient(at: u32, j: u32, g: f32) {}',
      part('training_codes'),
      part('activation'),
      part('losses'),
    ].join('\n'),
  },
  {
    label: 'metrics',
    code: [
      ...[0, 1, 2, 3].map((i) => `override metricCode${i}: u32 = 0u;`),
      'override softmaxForMetrics: u32 = 0u;',
      'fn targetValue(sample: u32, j: u32) -> f32 { return 0.0; }',
      'fn classIndex(sample: u32) -> u32 { return 0u; }',
      'fn outputValue(at: u32, j: u32) -> f32 { return 0.0; }',
      part('training_codes'),
      part('metrics'),
    ].join('\n'),
  },
  ...['f32', 'vec4f'].map((t) => ({
    label: `optimizer (${t})`,
    code: [
      'override optimizerCode: u32 = 0u;',
      `alias OptValue = ${t};`,
      `@group(0) @binding(0) var<storage, read_write> weights: array<${t}>;`,
      `fn loadSlot(k: u32, i: u32) -> ${t} { return ${t}(0.0); }`,
      `fn storeSlot(k: u32, i: u32, v: ${t}) {}`,
      part('training_codes'),
      part('optimizer'),
    ].join('\n'),
  })),
  { label: 'dropout', code: part('dropout') },
  { label: 'activation (scalar)', code: `alias ActValue = f32;\n${part('activation')}` },
  { label: 'activation (vec4)', code: `alias ActValue = vec4f;\n${part('activation')}` },
];

/** Compiles each source in the page (createShaderModule + getCompilationInfo); returns the errors. */
async function compileErrors(sources: { label: string; code: string }[]): Promise<{ label: string; errors: string[] }[]> {
  return gpu.run(async (_nn, _util, input) => {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) throw new Error('no WebGPU adapter');
    const device = await adapter.requestDevice({ requiredFeatures: adapter.features.has('subgroups') ? ['subgroups' as GPUFeatureName] : [] });
    try {
      const results = [];
      for (const s of input) {
        const module = device.createShaderModule({ label: s.label, code: `${s.code}\n@compute @workgroup_size(1) fn partTestEntry() {}\n` });
        const info = await module.getCompilationInfo();
        results.push({ label: s.label, errors: info.messages.filter((m) => m.type === 'error').map((m) => `${m.lineNum}:${m.linePos} ${m.message}`) });
      }
      return results;
    } finally {
      device.destroy();
    }
  }, sources);
}

describe('WGSL parts', () => {
  it('each part compiles with only its declared inputs', async () => {
    const results = await compileErrors(CASES);
    for (const r of results) expect(r.errors, r.label).toEqual([]);
  });

  it('a part missing a declared input fails to compile (the check can fail)', async () => {
    const [r] = await compileErrors([{ label: 'activation without ActValue', code: part('activation') }]);
    expect(r.errors.join('\n')).toMatch(/ActValue/);
  });
});
