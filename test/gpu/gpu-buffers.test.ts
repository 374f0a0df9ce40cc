/**
 * GPU buffers in and out, no copies: an app's compute pass writes logits into its own buffer,
 * webgpu-nn reads that buffer as a tensor, and the app's next pass reads the probabilities from
 * the output tensor's buffer; nothing is read back in between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectClose, openGpuPage, type GpuPage } from './page';
import type * as Training from '../../src/ops/training/definition';

let gpu: GpuPage;
beforeAll(async () => {
  gpu = await openGpuPage();
});
afterAll(async () => {
  await gpu?.close();
});

describe('GPU buffers in and out', () => {
  it("softmax between two of the app's own passes, with sizes that are not multiples of 16 bytes", async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const device = ctx.device!;
      const results = [];
      for (const [rows, cols] of [[3, 5], [7, 33], [1, 1]]) {
        const n = rows * cols;
        // The app's first pass writes logits[i] = sin(i) * 4 into its own buffer.
        const logits = device.createBuffer({ label: 'app logits', size: n * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
        const writeModule = device.createShaderModule({
          code: `@group(0) @binding(0) var<storage, read_write> x: array<f32>;
                 @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
                   if (id.x < arrayLength(&x)) { x[id.x] = sin(f32(id.x)) * 4.0; }
                 }`,
        });
        const write = device.createComputePipeline({ layout: 'auto', compute: { module: writeModule, entryPoint: 'main' } });
        let encoder = device.createCommandEncoder();
        let pass = encoder.beginComputePass();
        pass.setPipeline(write);
        pass.setBindGroup(0, device.createBindGroup({ layout: write.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: logits } }] }));
        pass.dispatchWorkgroups(Math.ceil(n / 64));
        pass.end();
        device.queue.submit([encoder.finish()]);

        const x = ctx.fromGpuBuffer(logits, [rows, cols]);
        const probs = ctx.softmax(x);
        const view = probs.gpuBuffer();

        // The app's second pass sums each row of the probabilities into its own buffer.
        const sums = device.createBuffer({ label: 'app sums', size: rows * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
        const sumModule = device.createShaderModule({
          code: `@group(0) @binding(0) var<storage, read> p: array<f32>;
                 @group(0) @binding(1) var<storage, read_write> s: array<f32>;
                 override cols: u32;
                 @compute @workgroup_size(1) fn main(@builtin(global_invocation_id) id: vec3u) {
                   var t = 0.0;
                   for (var j = 0u; j < cols; j++) { t += p[id.x * cols + j]; }
                   s[id.x] = t;
                 }`,
        });
        const sum = device.createComputePipeline({ layout: 'auto', compute: { module: sumModule, entryPoint: 'main', constants: { cols } } });
        encoder = device.createCommandEncoder();
        pass = encoder.beginComputePass();
        pass.setPipeline(sum);
        pass.setBindGroup(0, device.createBindGroup({
          layout: sum.getBindGroupLayout(0),
          entries: [
            { binding: 0, resource: { buffer: view.buffer, offset: view.offset, size: view.size } },
            { binding: 1, resource: { buffer: sums } },
          ],
        }));
        pass.dispatchWorkgroups(rows);
        pass.end();
        const staging = device.createBuffer({ size: rows * 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
        encoder.copyBufferToBuffer(sums, 0, staging, 0, rows * 4);
        device.queue.submit([encoder.finish()]);
        await staging.mapAsync(GPUMapMode.READ);
        const rowSums = Array.from(new Float32Array(staging.getMappedRange().slice(0)));
        staging.destroy();

        // The library's own readbacks: the logits the app wrote (its sin is the GPU's), and the
        // probabilities against the CPU reference of them.
        const expected = nn.cpu.softmax(await x.read(), [rows, cols]);
        const got = await probs.read();
        let worst = 0;
        for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
        results.push({ rows, cols, size: view.size, offset: view.offset, rowSums, worst });
        x.destroy();
        probs.destroy();
        logits.destroy();
        sums.destroy();
      }
      ctx.destroy();
      return results;
    });
    for (const c of r) {
      expect(c.size).toBe(c.rows * c.cols * 4);
      expect(c.offset).toBe(0);
      expect(c.worst).toBeLessThan(1e-5);
      for (const s of c.rowSums) expect(s).toBeCloseTo(1, 5);
    }
  });

  it('refuses what it can see at once, names fromGpuBuffer for what only the device sees, and keeps or owns the buffer', async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const device = ctx.device!;
      const message = (fn: () => unknown) => {
        try {
          fn();
          return 'no error';
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      };
      const uniform = device.createBuffer({ label: 'u', size: 64, usage: GPUBufferUsage.UNIFORM });
      const small = device.createBuffer({ label: 's', size: 16, usage: GPUBufferUsage.STORAGE });
      const align = device.limits.minStorageBufferOffsetAlignment;
      const pair = device.createBuffer({ label: 'p', size: 2 * align, usage: GPUBufferUsage.STORAGE });
      const refusals = {
        noStorage: message(() => ctx.fromGpuBuffer(uniform, [4])),
        tooSmall: message(() => ctx.fromGpuBuffer(small, [5])),
        offsets: [4, align / 2, -align, `${align}`].map((offset) => message(() => ctx.fromGpuBuffer(pair, [2], { offset: offset as number }))),
        pastEnd: message(() => ctx.fromGpuBuffer(pair, [align / 4 + 1], { offset: align })),
        fitsEnd: message(() => ctx.fromGpuBuffer(pair, [align / 4], { offset: align })),
        notBuffer: message(() => ctx.fromGpuBuffer({} as GPUBuffer, [1])),
        badOption: message(() => ctx.fromGpuBuffer(small, [2], { onw: true } as never)),
        readWithoutCopySrc: await ctx.fromGpuBuffer(small, [4]).read().then(() => 'no error', (e: Error) => `${e.name}: ${e.message}`),
      };
      // A buffer of another device: only the device can tell.
      const otherDevice = await (await navigator.gpu.requestAdapter())!.requestDevice();
      const foreign = otherDevice.createBuffer({ label: 'foreign', size: 16, usage: GPUBufferUsage.STORAGE });
      ctx.fromGpuBuffer(foreign, [4]);
      const deviceError = await ctx.flush().then(() => 'no error', (e: Error & { op?: string }) => `${e.name} ${e.op}`);
      otherDevice.destroy();
      // Kept by the app unless own: true.
      const kept = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      const owned = device.createBuffer({ size: 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      let ownedDestroyed = false;
      const destroyOwned = owned.destroy.bind(owned);
      owned.destroy = () => {
        ownedDestroyed = true;
        destroyOwned();
      };
      const t1 = ctx.fromGpuBuffer(kept, [4]);
      const t2 = ctx.fromGpuBuffer(owned, [2, 2], { own: true, dtype: 'int32' });
      const dtype = t2.dtype;
      t1.destroy();
      t2.destroy();
      device.queue.writeBuffer(kept, 0, new Float32Array([1, 2, 3, 4]));
      const again = await ctx.fromGpuBuffer(kept, [4]).read();
      const cpu = await nn.createContext({ backend: 'cpu' });
      const cpuErrors = {
        gpuBuffer: message(() => cpu.tensor([1]).gpuBuffer()),
        fromGpuBuffer: message(() => cpu.fromGpuBuffer(kept, [4])),
        device: cpu.device,
      };
      ctx.destroy();
      return { align, refusals, deviceError, ownedDestroyed, dtype, again: Array.from(again), cpuErrors };
    });
    expect(r.refusals.noStorage).toMatch(/^ArgumentError: fromGpuBuffer: buffer "u" lacks STORAGE in its usage/);
    expect(r.refusals.tooSmall).toBe('ArgumentError: fromGpuBuffer: buffer "s" holds 16 bytes, less than the 20 that shape [5] of float32 needs');
    const offsetRule = `options.offset must be a non-negative multiple of ${r.align} bytes (the device's minStorageBufferOffsetAlignment, which storage bindings need)`;
    expect(r.refusals.offsets).toEqual([`4`, `${r.align / 2}`, `${-r.align}`, `"${r.align}"`].map((got) => `ArgumentError: fromGpuBuffer: ${offsetRule}, got ${got}`));
    expect(r.refusals.pastEnd).toBe(
      `ArgumentError: fromGpuBuffer: buffer "p" holds ${2 * r.align} bytes, less than options.offset ${r.align} plus the ${r.align + 4} bytes that shape [${r.align / 4 + 1}] of float32 needs`,
    );
    expect(r.refusals.fitsEnd).toBe('no error');
    expect(r.refusals.notBuffer).toMatch(/^ArgumentError: fromGpuBuffer: buffer must be a GPUBuffer/);
    expect(r.refusals.badOption).toBe("ArgumentError: fromGpuBuffer: unknown option 'onw' (did you mean 'own'?)");
    expect(r.refusals.readWithoutCopySrc).toMatch(/^ArgumentError: read: .*lacks COPY_SRC/);
    expect(r.deviceError).toBe('GPUOperationError fromGpuBuffer');
    expect(r.ownedDestroyed).toBe(true);
    expect(r.dtype).toBe('int32');
    expect(r.again).toEqual([1, 2, 3, 4]);
    expect(r.cpuErrors.gpuBuffer).toMatch(/^ArgumentError: gpuBuffer: the tensor lives on the cpu backend/);
    expect(r.cpuErrors.fromGpuBuffer).toMatch(/^ArgumentError: fromGpuBuffer: needs the webgpu backend/);
    expect(r.cpuErrors.device).toBeNull();
  });

  it("rescans an app buffer's values on every fit (the app may have rewritten it)", async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const device = ctx.device!;
      const buffer = device.createBuffer({ size: 32, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buffer, 0, new Float32Array([0, 0, 0, 1, 1, 0, 1, 1]));
      const x = ctx.fromGpuBuffer(buffer, [4, 2]);
      const y = ctx.tensor([[0], [1], [1], [0]]);
      const model = new nn.Sequential([new nn.Dense({ units: 1, inputShape: [2], activation: 'sigmoid' })]);
      model.compile({ loss: 'mse', optimizer: 'sgd', context: ctx });
      const first = await model.fit(x, y, { epochs: 2, batchSize: 4 }).then(() => 'trained', (e: Error) => e.message);
      device.queue.writeBuffer(buffer, 12, new Float32Array([NaN]));
      const second = await model.fit(x, y, { epochs: 2, batchSize: 4 }).then(() => 'trained', (e: Error) => `${e.name}: ${e.message}`);
      model.dispose();
      ctx.destroy();
      buffer.destroy();
      return { first, second };
    });
    expect(r.first).toBe('trained');
    expect(r.second).toMatch(/^ArgumentError: fit: x\[1\]\[1\] is not a finite number/);
  });
  it("reads the last entries of an app buffer that ends inside a vec4 (the data check, the element-wise activation)", async () => {
    const r = await gpu.run(async (nn) => {
      const ctx = await nn.createContext({ backend: 'webgpu' });
      const device = ctx.device!;
      // 20 bytes: the kernels that load whole vec4s must not lose entry 4 to robust access.
      const make = (values: number[]) => {
        const b = device.createBuffer({ size: 4 * values.length, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
        device.queue.writeBuffer(b, 0, new Float32Array(values));
        return b;
      };
      const xBuffer = make([0.1, 0.2, 0.3, 0.4, NaN]);
      const model = new nn.Sequential([new nn.Dense({ units: 1, inputShape: [1] })]);
      model.compile({ loss: 'mse', optimizer: 'sgd', context: ctx });
      const check = await model.fit(ctx.fromGpuBuffer(xBuffer, [5, 1]), ctx.tensor([[0], [1], [1], [0], [1]]), { epochs: 1 }).then(() => 'trained', (e: Error) => `${e.name}: ${e.message}`);
      model.dispose();
      const inputBuffer = make([-1, 2, -3, 4, 5]);
      const relu = new nn.Sequential([new nn.InputLayer({ inputShape: [5] }), new nn.Activation('relu')]);
      relu.compile({ loss: 'mse', optimizer: 'sgd', context: ctx });
      const out = relu.predict(ctx.fromGpuBuffer(inputBuffer, [1, 5])) as import('../../src/index').Tensor;
      const activated = Array.from(await out.read());
      out.destroy();
      relu.dispose();
      ctx.destroy();
      xBuffer.destroy();
      inputBuffer.destroy();
      return { check, activated };
    });
    expect(r.check).toMatch(/^ArgumentError: fit: x\[4\]\[0\] is not a finite number/);
    expect(r.activated).toEqual([0, 2, 0, 4, 5]);
  });

  it('tensors at aligned offsets of one app buffer: ops agree with the CPU reference and leave the bytes around them alone', async () => {
    const r = await gpu.run(
      async (nn, util, { training }) => {
        const device = await util.sharedDevice('raised');
        const ctx = await nn.createContext({ device });
        const align = device.limits.minStorageBufferOffsetAlignment;
        const SENTINEL = -12345.5;
        // x and y (sizes not multiples of 16 bytes) at offsets 0 and one alignment step, s (a few
        // long rows: the rows-split kernels) after them, w, b and v at larger offsets; sentinels
        // fill every byte in between and after.
        const places = {
          x: { offset: 0, shape: [3, 5] },
          y: { offset: align, shape: [4, 6] },
          s: { offset: 2 * align, shape: [2, 1024] },
          w: { offset: 64 * align, shape: [5, 7] },
          b: { offset: 65 * align, shape: [7] },
          v: { offset: 66 * align, shape: [5, 64] },
        };
        const words = new Float32Array((71 * align + 20) / 4).fill(SENTINEL);
        const values: Record<string, Float32Array> = {};
        for (const [name, { offset, shape }] of Object.entries(places)) {
          values[name] = util.randomArray(shape.reduce((a, b) => a * b, 1), offset + 7, -6, 6);
          words.set(values[name], offset / 4);
        }
        const buffer = device.createBuffer({ label: 'app tensors', size: words.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
        device.queue.writeBuffer(buffer, 0, words);
        const t: Record<string, ReturnType<typeof ctx.fromGpuBuffer>> = {};
        for (const [name, { offset, shape }] of Object.entries(places)) t[name] = ctx.fromGpuBuffer(buffer, shape, { offset });

        const cmp: { label: string; c: ReturnType<typeof util.compare> }[] = [];
        for (const name of ['x', 'y', 's']) {
          const shape = places[name as keyof typeof places].shape;
          for (const op of ['softmax', 'logSoftmax'] as const) {
            // The rows-split variant cuts s's rows into segments: every segment a range of s.
            if (name === 's') ctx.setKernelVariant(op, 'rows-split');
            const got = await ctx[op](t[name]).read();
            const ran = ctx.lastKernelVariant(op);
            cmp.push({ label: `${op}(${name}) ${ran}`, c: util.compare(got, nn.cpu[op](values[name], shape), 1e-6, 1e-5) });
          }
        }
        cmp.push({ label: 'matmul(x, w)', c: util.compare(await ctx.matmul(t.x, t.w).read(), nn.cpu.matmul(values.x, [3, 5], values.w, [5, 7]), 1e-4, 0) });
        // lanes-texture copies B (row-major, 64 columns) and A (stored transposed, 64 rows) from
        // their offsets straight into its textures.
        ctx.setKernelVariant('matmul', 'lanes-texture');
        const textureCases = [
          ['matmul(x, v)', t.x, t.v, false, nn.cpu.matmul(values.x, [3, 5], values.v, [5, 64])],
          ['matmul(v^T, w)', t.v, t.w, true, nn.cpu.matmul(values.v, [5, 64], values.w, [5, 7], { transposeA: true })],
        ] as const;
        for (const [label, a, b, transposeA, expected] of textureCases) {
          const got = await ctx.matmul(a, b, { transposeA }).read();
          cmp.push({ label: `${label} ${ctx.lastKernelVariant('matmul')}`, c: util.compare(got, expected, 1e-4, 0) });
        }
        cmp.push({ label: 'dense(x, w, b, relu)', c: util.compare(await ctx.dense(t.x, t.w, t.b, 'relu').read(), nn.cpu.dense(values.x, [3, 5], values.w, [5, 7], values.b, 'relu'), 1e-4, 0) });
        cmp.push({ label: 'read(s)', c: util.compare(await t.s.read(), values.s, 0, 0) });
        const view = t.y.gpuBuffer();

        // The training code's copies write into a given tensor: into one at an offset of a second
        // buffer, from x and from the middle of y.
        const T = await (new Function('path', 'return import(path)') as (path: string) => Promise<typeof Training>)(training);
        const target = device.createBuffer({ label: 'app target', size: 3 * align, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
        device.queue.writeBuffer(target, 0, new Float32Array(3 * align / 4).fill(SENTINEL));
        const dst = ctx.fromGpuBuffer(target, [20], { offset: align });
        T.copyElements(ctx, 'copy', t.x, 0, dst, 3, 15);
        T.copyElements(ctx, 'copy', t.y, 4, dst, 0, 2);
        const written = Array.from(await ctx.fromGpuBuffer(target, [3 * align / 4]).read());
        const expectedTarget = new Array(3 * align / 4).fill(SENTINEL);
        expectedTarget.splice(align / 4, 2, ...values.y.slice(4, 6));
        expectedTarget.splice(align / 4 + 3, 15, ...values.x);

        // Every byte of the first buffer as written: the ops only read it.
        const after = await ctx.fromGpuBuffer(buffer, [words.length]).read();
        let changed = 0;
        for (let i = 0; i < words.length; i++) if (after[i] !== words[i]) changed++;
        ctx.destroy();
        buffer.destroy();
        target.destroy();
        return {
          align,
          cmp,
          view: { same: view.buffer === buffer, offset: view.offset, size: view.size },
          targetMismatches: written.filter((v, i) => v !== expectedTarget[i]).length,
          changed,
        };
      },
      { training: '/src/ops/training/definition.ts' },
    );
    for (const { label, c } of r.cmp) expectClose(label, c);
    const ran = (prefixes: string[]) => r.cmp.filter((c) => prefixes.some((p) => c.label.startsWith(`${p} `))).map((c) => c.label.split(' ').pop());
    expect(ran(['softmax(s)', 'logSoftmax(s)'])).toEqual(['rows-split', 'rows-split']);
    expect(ran(['matmul(x, v)', 'matmul(v^T, w)'])).toEqual(['lanes-texture', 'lanes-texture']);
    expect(r.view).toEqual({ same: true, offset: r.align, size: 4 * 6 * 4 });
    expect(r.targetMismatches).toBe(0);
    expect(r.changed).toBe(0);
  });
  it('fit reads training data at offsets, with NaN around it, as it reads the same data uploaded', async () => {
    const r = await gpu.run(async (nn, util) => {
      const ctx = await nn.createContext({ device: await util.sharedDevice('raised') });
      const device = ctx.device!;
      const align = device.limits.minStorageBufferOffsetAlignment;
      const xs = new Float32Array([0, 0, 0, 1, 1, 0, 1, 1, 0.5, 0.5, 0.2, 0.9, 0.9, 0.2, 0.1, 0.3]);
      const ys = new Float32Array([0, 1, 1, 0, 1, 0, 1, 0]);
      // NaN everywhere but the data: a data check or a batch that missed the offset would see it.
      const words = new Float32Array((3 * align) / 4).fill(NaN);
      words.set(xs, align / 4);
      words.set(ys, (2 * align) / 4);
      const buffer = device.createBuffer({ size: words.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buffer, 0, words);
      const inputs = {
        offset: [ctx.fromGpuBuffer(buffer, [8, 2], { offset: align }), ctx.fromGpuBuffer(buffer, [8, 1], { offset: 2 * align })],
        uploaded: [ctx.tensor(xs, [8, 2]), ctx.tensor(ys, [8, 1])],
      };
      const losses: Record<string, number[]> = {};
      for (const [name, [x, y]] of Object.entries(inputs)) {
        const model = new nn.Sequential([new nn.Dense({ units: 1, inputShape: [2], activation: 'sigmoid' })]);
        model.compile({ loss: 'mse', optimizer: 'sgd', context: ctx, seed: 3 });
        const history = await model.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false });
        losses[name] = history.loss;
        model.dispose();
      }
      ctx.destroy();
      buffer.destroy();
      return losses;
    });
    expect(r.offset.every(Number.isFinite)).toBe(true);
    expect(r.offset).toEqual(r.uploaded);
  });

  it('splits an output larger than a storage binding into ranges of an input at an offset (device at default limits)', async () => {
    const r = await gpu.run(async (nn, util) => {
      const device = await util.sharedDevice('default');
      const ctx = await nn.createContext({ device });
      const align = device.limits.minStorageBufferOffsetAlignment;
      // The Jacobian of [9, 1932] probabilities is 134.4 MB against 128 MiB bindings: two ranges
      // of Jacobian rows, the second reading the input from batch row 8, 32 elements into the
      // aligned range that starts 61696 bytes past the input's own offset.
      const [rows, cols] = [9, 1932];
      const probs = nn.cpu.softmax(util.randomArray(rows * cols, 5, -4, 4), [rows, cols]);
      const words = new Float32Array((3 * align + probs.byteLength) / 4).fill(-777);
      words.set(probs, align / 4);
      const buffer = device.createBuffer({ size: words.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      device.queue.writeBuffer(buffer, 0, words);
      ctx.setKernelVariant('softmaxJacobianFromProbs', 'elements-vec4');
      const J = ctx.softmaxJacobianFromProbs(ctx.fromGpuBuffer(buffer, [rows, cols], { offset: align }));
      const cmp = util.compare(await J.read(), nn.cpu.softmaxJacobianFromProbs(probs, [rows, cols]), 1e-6, 0);
      const result = { bytes: J.byteLength, binding: device.limits.maxStorageBufferBindingSize, variant: ctx.lastKernelVariant('softmaxJacobianFromProbs'), cmp };
      ctx.destroy();
      buffer.destroy();
      return result;
    });
    expect(r.bytes).toBeGreaterThan(r.binding);
    expect(r.variant).toBe('elements-vec4');
    expectClose('softmaxJacobianFromProbs [9, 1932] in ranges of Jacobian rows', r.cmp);
  });
});
