/**
 * GPU buffers in and out, no copies: an app's compute pass writes logits into its own buffer,
 * webgpu-nn reads that buffer as a tensor, and the app's next pass reads the probabilities from
 * the output tensor's buffer; nothing is read back in between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGpuPage, type GpuPage } from './page';

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
      const refusals = {
        noStorage: message(() => ctx.fromGpuBuffer(uniform, [4])),
        tooSmall: message(() => ctx.fromGpuBuffer(small, [5])),
        offset: message(() => ctx.fromGpuBuffer(small, [2], { offset: 256 })),
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
      return { refusals, deviceError, ownedDestroyed, dtype, again: Array.from(again), cpuErrors };
    });
    expect(r.refusals.noStorage).toMatch(/^ArgumentError: fromGpuBuffer: buffer "u" lacks STORAGE in its usage/);
    expect(r.refusals.tooSmall).toBe('ArgumentError: fromGpuBuffer: buffer "s" holds 16 bytes, less than the 20 that shape [5] of float32 needs');
    expect(r.refusals.offset).toMatch(/^ArgumentError: fromGpuBuffer: options.offset must be 0/);
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
});
