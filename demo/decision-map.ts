/**
 * The training playground's decision map on the GPU: a render pass on the library's own device
 * draws the model's prediction for the grid straight from the prediction tensor's buffer
 * (`tensor.gpuBuffer()`) into a canvas with a 'webgpu' context, so that redrawing the map costs
 * no readback. The colours are the 2-D maps' (`MAP_COLOURS`), handed to the shader as uniforms.
 */
import type { GpuBufferView } from '../src/index';
import { MAP_COLOURS } from './charts';
import mapWgsl from './decision-map.wgsl?raw';

const LABEL = 'decision map';

export class GpuDecisionMap {
  private readonly context: GPUCanvasContext;
  private readonly layout: GPUBindGroupLayout;
  private readonly pipeline: GPURenderPipeline;
  private readonly params: GPUBuffer;

  /** Draws `n` x `n` grids of probabilities (rows from the top) over the whole of `canvas`. */
  constructor(private readonly device: GPUDevice, canvas: HTMLCanvasElement, readonly n: number) {
    const context = canvas.getContext('webgpu');
    if (!context) throw new Error(`demo page: canvas #${canvas.id} has no webgpu context`);
    this.context = context;
    const format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device, format, alphaMode: 'opaque' });
    const module = device.createShaderModule({ label: LABEL, code: mapWgsl });
    this.layout = device.createBindGroupLayout({
      label: LABEL,
      entries: [
        { binding: 0, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'read-only-storage' } },
        { binding: 1, visibility: GPUShaderStage.FRAGMENT, buffer: { type: 'uniform' } },
      ],
    });
    this.pipeline = device.createRenderPipeline({
      label: LABEL,
      layout: device.createPipelineLayout({ label: LABEL, bindGroupLayouts: [this.layout] }),
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    // Params: three vec4f colours, then n (u32); 64 bytes with the struct's padding.
    const params = new ArrayBuffer(64);
    [MAP_COLOURS.class0, MAP_COLOURS.middle, MAP_COLOURS.class1].forEach((rgb, i) => new Float32Array(params, i * 16, 4).set([...rgb.map((v) => v / 255), 1]));
    new Uint32Array(params, 48, 1)[0] = n;
    this.params = device.createBuffer({ label: `${LABEL} params`, size: params.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(this.params, 0, params);
  }

  /**
   * Submits a pass that draws `probs` (n * n probabilities, already submitted by the library:
   * what `gpuBuffer()` returns). The buffer may be released once this returns: the queue runs the
   * pass before any later work. The promise rejects if WebGPU refused the pass.
   */
  draw(probs: GpuBufferView): Promise<void> {
    if (probs.size !== this.n * this.n * 4) throw new Error(`decision map: expected ${this.n * this.n} probabilities, got ${probs.size / 4}`);
    const { device } = this;
    device.pushErrorScope('validation');
    const bindGroup = device.createBindGroup({
      label: LABEL,
      layout: this.layout,
      entries: [
        { binding: 0, resource: { buffer: probs.buffer, offset: probs.offset, size: probs.size } },
        { binding: 1, resource: { buffer: this.params } },
      ],
    });
    const encoder = device.createCommandEncoder({ label: LABEL });
    const pass = encoder.beginRenderPass({
      label: LABEL,
      colorAttachments: [{ view: this.context.getCurrentTexture().createView(), loadOp: 'clear', clearValue: [1, 1, 1, 1], storeOp: 'store' }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.draw(3);
    pass.end();
    device.queue.submit([encoder.finish()]);
    return device.popErrorScope().then((error) => {
      if (error) throw new Error(`decision map: WebGPU refused the pass: ${error.message}`);
    });
  }
}
