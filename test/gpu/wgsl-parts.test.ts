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
const swiftshaderPart = (name: string) => readFileSync(`shaders/swiftshader/${name}.wgsl`, 'utf8');
/** Sources joined as the host joins them: the prelude last. */
const withPrelude = (...sources: string[]) => [...sources, part('prelude')].join('\n');

// The kernel bindings that parts declare as inputs.
const SCALAR_X = '@group(0) @binding(0) var<storage, read> x: array<f32>;';
const VEC4_X = '@group(0) @binding(0) var<storage, read> x: array<vec4f>;';
const VEC4_Y = '@group(0) @binding(1) var<storage, read_write> y: array<vec4f>;';
const SCALAR_VJP = ['y', 'dy'].map((name, i) => `@group(0) @binding(${i}) var<storage, read> ${name}: array<f32>;`).join('\n') + '\n@group(0) @binding(2) var<storage, read_write> dx: array<f32>;';
const VEC4_VJP = ['y', 'dy'].map((name, i) => `@group(0) @binding(${i}) var<storage, read> ${name}: array<vec4f>;`).join('\n') + '\n@group(0) @binding(2) var<storage, read_write> dx: array<vec4f>;';
const SPLIT_PARAMS = '@group(0) @binding(2) var<uniform> params: Params;';

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
  { label: 'activation (scalar)', code: `alias ActValue = f32;\n${part('activation')}` },
  { label: 'activation (vec4)', code: `alias ActValue = vec4f;\n${part('activation')}` },
  { label: 'row_softmax', code: withPrelude(part('row_softmax')) },
  { label: 'softmax_output', code: withPrelude(part('softmax_output'), part('row_softmax')) },
  { label: 'log_softmax_output', code: withPrelude(part('log_softmax_output'), part('row_softmax')) },
  { label: 'row_pass_lines', code: withPrelude(SCALAR_X, part('row_pass_lines'), part('row_softmax')) },
  {
    label: 'row_pass_workgroup',
    code: withPrelude('override workgroupSize: u32 = 64;', part('row_pass_workgroup'), SCALAR_X, part('row_pass_lines'), part('row_softmax')),
  },
  { label: 'row_pass_vec4', code: withPrelude(VEC4_X, part('row_pass_vec4')) },
  { label: 'softmax_write_vec4', code: withPrelude(VEC4_X, VEC4_Y, part('softmax_write_vec4'), part('row_softmax')) },
  { label: 'log_softmax_write_vec4', code: withPrelude(VEC4_X, VEC4_Y, part('log_softmax_write_vec4'), part('row_softmax')) },
  { label: 'jacobian', code: part('jacobian') },
  ...['softmax_vjp_scalar', 'log_softmax_vjp_scalar'].map((name) => ({ label: name, code: withPrelude(SCALAR_VJP, part(name)) })),
  ...['softmax_vjp_sum', 'softmax_vjp_write', 'log_softmax_vjp_write'].map((name) => ({ label: name, code: withPrelude(VEC4_VJP, part(name)) })),
  { label: 'log_softmax_vjp_sum', code: `@group(0) @binding(1) var<storage, read> dy: array<vec4f>;\n${part('log_softmax_vjp_sum')}` },
  {
    label: 'cross_entropy_write_vec4',
    code: withPrelude(
      VEC4_X,
      '@group(0) @binding(1) var<storage, read> labels: array<vec4u>;',
      '@group(0) @binding(2) var<storage, read_write> grad: array<vec4f>;',
      'struct ScaleParams { scale: f32 }',
      '@group(0) @binding(3) var<uniform> params: ScaleParams;',
      'override indexLabels: bool = false;',
      part('cross_entropy_write_vec4'),
      part('row_pass_vec4'),
    ),
  },
  { label: 'workgroup_sum', code: `override workgroupSize: u32 = 64;\n${part('workgroup_sum')}` },
  {
    label: 'entry_lines',
    code: withPrelude('@group(0) @binding(0) var<uniform> params: LineParams;', 'fn runLine(start: u32, length: u32, stride: u32) {}', part('entry_lines')),
  },
  { label: 'entry_rows', code: withPrelude('@group(0) @binding(0) var<uniform> params: RowParams;', 'fn runRow(row: u32) {}', part('entry_rows')) },
  {
    label: 'entry_workgroup_rows',
    code: withPrelude('@group(0) @binding(0) var<uniform> params: RowParams;', 'fn runWorkgroupRow(row: u32, t: u32) {}', part('entry_workgroup_rows')),
  },
  {
    label: 'entry_segments',
    code: withPrelude(SPLIT_PARAMS, 'fn runSegment(id: u32, segment: Segment) {}', swiftshaderPart('entry_segments'), swiftshaderPart('row_split_segment')),
  },
  { label: 'row_split_segment', code: withPrelude(SPLIT_PARAMS, swiftshaderPart('row_split_segment')) },
  {
    label: 'softmax_split_merge',
    code: withPrelude(SPLIT_PARAMS, '@group(0) @binding(1) var<storage, read> partials: array<vec4f>;', swiftshaderPart('softmax_split_merge'), swiftshaderPart('row_split_segment')),
  },
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
