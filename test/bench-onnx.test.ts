/**
 * The bench's hand-written ONNX encoder (bench/onnx.ts): the one-node models it builds load and
 * compute correctly in ONNX Runtime (its wasm backend in Node, so no GPU is needed), against the
 * CPU reference and a plain matmul.
 */
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { oneNodeModel } from '../bench/onnx';
import { cpu } from '../src/index';
import { compare, formatComparison, randomArray } from './util/compare';

ort.env.wasm.numThreads = 1;

async function runModel(model: Uint8Array, feeds: Record<string, { data: Float32Array; dims: number[] }>) {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
  try {
    const inputs = Object.fromEntries(Object.entries(feeds).map(([k, v]) => [k, new ort.Tensor('float32', v.data, v.dims)]));
    const out = await session.run(inputs);
    return { names: session.outputNames, y: out[session.outputNames[0]] };
  } finally {
    await session.release();
  }
}

describe('one-node ONNX models', () => {
  it('Softmax (opset 13, axis -1) matches cpu.softmax', async () => {
    const data = randomArray(6 * 10, 1, -8, 8);
    const model = oneNodeModel({ opType: 'Softmax', inputs: [{ name: 'x', shape: [6, 10] }], output: { name: 'y', shape: [6, 10] }, intAttributes: { axis: -1 } });
    const { names, y } = await runModel(model, { x: { data, dims: [6, 10] } });
    expect(names).toEqual(['y']);
    expect(y.dims).toEqual([6, 10]);
    const c = compare(y.data as Float32Array, cpu.softmax(data, [6, 10]), 1e-6, 1e-5);
    expect(c.mismatches, formatComparison('Softmax', c)).toBe(0);
  });

  it('Softmax with axis 0 normalizes columns (the attribute is encoded)', async () => {
    const data = randomArray(4 * 3, 2, -2, 2);
    const model = oneNodeModel({ opType: 'Softmax', inputs: [{ name: 'x', shape: [4, 3] }], output: { name: 'y', shape: [4, 3] }, intAttributes: { axis: 0 } });
    const { y } = await runModel(model, { x: { data, dims: [4, 3] } });
    const c = compare(y.data as Float32Array, cpu.softmax(data, [4, 3], 0), 1e-6, 1e-5);
    expect(c.mismatches, formatComparison('Softmax axis 0', c)).toBe(0);
  });

  it('MatMul with two inputs matches a float64 matmul', async () => {
    const [m, k, n] = [5, 7, 3];
    const a = randomArray(m * k, 3);
    const b = randomArray(k * n, 4);
    const model = oneNodeModel({
      opType: 'MatMul',
      inputs: [{ name: 'a', shape: [m, k] }, { name: 'b', shape: [k, n] }],
      output: { name: 'c', shape: [m, n] },
    });
    const { y } = await runModel(model, { a: { data: a, dims: [m, k] }, b: { data: b, dims: [k, n] } });
    const ref = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
      ref[i * n + j] = s;
    }
    const c = compare(y.data as Float32Array, ref, 1e-5, 1e-5);
    expect(c.mismatches, formatComparison('MatMul', c)).toBe(0);
  });

  it('encodes negative integer attributes as 64-bit varints', () => {
    const model = oneNodeModel({ opType: 'Softmax', inputs: [{ name: 'x', shape: [2] }], output: { name: 'y', shape: [2] }, intAttributes: { axis: -1 } });
    // AttributeProto.i (field 3, varint): key 0x18, then -1 as ten bytes 0xff..0x01.
    const bytes = Array.from(model);
    const at = bytes.findIndex((b, i) => b === 0x18 && bytes[i + 1] === 0xff);
    expect(bytes.slice(at, at + 11)).toEqual([0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });
});
