/**
 * The training playground: a binary classifier on a 2-D dataset, trained live by the library.
 * Each animation frame runs `fit` for a few epochs on tensors that stay on the device, and that
 * is the frame's one readback: fit's losses (for the loss curve) and the host copy of the weights
 * fit keeps, in one staging buffer; fit times its first call and runs each later one as one group
 * of epochs. The decision map is not read back: the model predicts the grid into a tensor and a
 * render pass on the library's device (decision-map.ts) draws it from that tensor's buffer into a
 * WebGPU canvas, with the training points on a 2-D canvas stacked over it. On the cpu backend (no device) the map is read and
 * drawn on a 2-D canvas. Pause, step, reset; the same configuration on TF.js's cpu backend on
 * request.
 */
import { Adam, Dense, SGD, Sequential, type ActivationName, type Context, type Tensor } from '../src/index';
import { element, markReady, pageContext, setStatus, showError, start } from './site';
import { gridPoints, lineChart, mapCells, mapPoints, type Series } from './charts';
import { GpuDecisionMap } from './decision-map';
import { DATASETS, makeDataset, type DatasetName, type Point } from './datasets';

const SAMPLES = 200;
const GRID = 48;
const RANGE: [number, number] = [-1.3, 1.3];
/** TF.js's cpu backend trains at most this many steps. */
const TF_STEP_CAP = 1000;

interface Settings {
  dataset: DatasetName;
  noise: number;
  hidden: number[];
  /** The page offers activations that TF.js's layers name the same way, for the comparison run. */
  activation: Exclude<ActivationName, 'leakyRelu'>;
  optimizer: 'adam' | 'sgd';
  learningRate: number;
  batchSize: number;
  epochsPerFrame: number;
}

const select = (id: string) => element<HTMLSelectElement>(id);

/** Draws a prediction for the grid (GRID x GRID probabilities) on the map canvas. */
type MapPainter = (probs: Tensor) => Promise<void>;

/** On the GPU from the tensor's buffer where the context has a device; else from a readback. */
function mapPainter(ctx: Context): MapPainter {
  const canvas = element<HTMLCanvasElement>('boundary-map');
  if (!ctx.device) return async (probs) => mapCells(canvas, await probs.read(), GRID);
  const map = new GpuDecisionMap(ctx.device, canvas, GRID);
  return (probs) => map.draw(probs.gpuBuffer());
}

function parseHidden(text: string): number[] {
  const parts = text.split(',').map((t) => t.trim()).filter(Boolean);
  const units = parts.map(Number);
  if (units.length > 4 || units.some((u) => !Number.isInteger(u) || u < 1 || u > 32)) {
    throw new Error(`Hidden layers: up to 4 comma-separated whole numbers from 1 to 32, got "${text}".`);
  }
  return units;
}

function readSettings(): Settings {
  return {
    dataset: select('dataset').value as DatasetName,
    noise: Number(element<HTMLInputElement>('noise').value),
    hidden: parseHidden(element<HTMLInputElement>('layers').value),
    activation: select('activation').value as Settings['activation'],
    optimizer: select('optimizer').value as 'adam' | 'sgd',
    learningRate: Number(select('rate').value),
    batchSize: Number(select('batch').value),
    epochsPerFrame: Number(select('epochs').value),
  };
}

/** One training run: the model, its data on the device, and what has been drawn. */
class Run {
  readonly model: Sequential;
  readonly x: Tensor;
  readonly y: Tensor;
  readonly grid: Tensor;
  readonly stepsPerEpoch: number;
  epochs = 0;
  losses: { x: number; y: number }[] = [];
  tfLosses: { x: number; y: number }[] = [];

  constructor(ctx: Context, readonly settings: Settings, readonly points: Point[], private readonly paintMap: MapPainter) {
    this.model = new Sequential([
      ...settings.hidden.map((units, i) => new Dense({ units, activation: settings.activation, ...(i === 0 ? { inputShape: [2] } : {}) })),
      new Dense({ units: 1, activation: 'sigmoid', ...(settings.hidden.length === 0 ? { inputShape: [2] } : {}) }),
    ]);
    const optimizer = settings.optimizer === 'adam' ? new Adam({ learningRate: settings.learningRate }) : new SGD({ learningRate: settings.learningRate });
    this.model.compile({ loss: 'binaryCrossentropy', optimizer, seed: 1, context: ctx });
    this.x = ctx.tensor(points.map((p) => [p.x, p.y]));
    this.y = ctx.tensor(points.map((p) => [p.label]));
    this.grid = ctx.tensor(gridPoints(GRID, RANGE));
    this.stepsPerEpoch = Math.ceil(points.length / settings.batchSize);
    const overlay = element<HTMLCanvasElement>('boundary-points');
    overlay.getContext('2d')!.clearRect(0, 0, overlay.width, overlay.height);
    mapPoints(overlay, points, RANGE);
  }

  get steps(): number {
    return this.epochs * this.stepsPerEpoch;
  }

  async train(epochs: number): Promise<void> {
    const history = await this.model.fit(this.x, this.y, { epochs, batchSize: this.settings.batchSize, shuffle: true, seed: this.epochs + 1 });
    for (const loss of history.loss) {
      this.epochs += 1;
      this.losses.push({ x: this.steps, y: loss });
    }
    // Long runs: keep the curve's cost per frame bounded (every other point of the older half).
    if (this.losses.length > 1500) this.losses = this.losses.filter((_, i) => i % 2 === 0 || i > this.losses.length - 500);
  }

  async draw(): Promise<void> {
    const out = this.model.predict(this.grid);
    try {
      await this.paintMap(out);
    } finally {
      out.destroy();
    }
    const series: Series[] = [{ name: 'webgpu-nn', points: this.losses }];
    if (this.tfLosses.length) series.push({ name: 'TF.js cpu', points: this.tfLosses });
    lineChart(element('loss-chart'), series, 'training step', 'loss');
    element('steps').textContent = String(this.steps);
    element('epoch').textContent = String(this.epochs);
    const last = this.losses.at(-1);
    element('loss').textContent = last ? last.y.toFixed(4) : '-';
  }

  dispose(): void {
    this.model.dispose();
    this.x.destroy();
    this.y.destroy();
    this.grid.destroy();
  }
}

async function trainOnTfjs(run: Run): Promise<void> {
  const tf = await import('@tensorflow/tfjs');
  if (!(await tf.setBackend('cpu'))) throw new Error('TF.js could not start its cpu backend');
  const s = run.settings;
  const model = tf.sequential();
  s.hidden.forEach((units, i) => model.add(tf.layers.dense({ units, activation: s.activation, ...(i === 0 ? { inputShape: [2] } : {}) })));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', ...(s.hidden.length === 0 ? { inputShape: [2] } : {}) }));
  model.compile({ optimizer: s.optimizer === 'adam' ? tf.train.adam(s.learningRate) : tf.train.sgd(s.learningRate), loss: 'binaryCrossentropy' });
  const xs = tf.tensor2d(run.points.map((p) => [p.x, p.y]));
  const ys = tf.tensor2d(run.points.map((p) => [p.label]));
  const epochs = Math.max(1, Math.floor(TF_STEP_CAP / run.stepsPerEpoch));
  run.tfLosses = [];
  const t0 = performance.now();
  try {
    await model.fit(xs, ys, {
      epochs,
      batchSize: s.batchSize,
      shuffle: true,
      verbose: 0,
      callbacks: { onEpochEnd: (epoch, logs) => void run.tfLosses.push({ x: (epoch + 1) * run.stepsPerEpoch, y: logs!.loss }) },
    });
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const steps = epochs * run.stepsPerEpoch;
  element('tf-result').textContent = `TF.js cpu: ${steps} steps in ${seconds.toFixed(2)} s (${Math.round(steps / seconds)} steps/s), final loss ${run.tfLosses.at(-1)!.y.toFixed(4)}.`;
}

start(async () => {
  select('dataset').innerHTML = Object.entries(DATASETS).map(([value, text]) => `<option value="${value}">${text}</option>`).join('');
  element('tf-cap').textContent = String(TF_STEP_CAP);
  const ctx = await pageContext({ cpuOk: true });
  const paintMap = mapPainter(ctx);
  const baseStatus = element('status').textContent ?? '';
  let run: Run | null = null;
  let playing = false;
  let busy = false;
  let rate = { steps: 0, ms: 0 };
  const playButton = element<HTMLButtonElement>('play');

  const setPlaying = (on: boolean) => {
    playing = on;
    playButton.textContent = on ? 'Pause' : 'Train';
    rate = { steps: 0, ms: 0 };
  };

  /** Waits for the frame in flight, if any. */
  const idle = async () => {
    while (busy) await new Promise((r) => setTimeout(r, 10));
  };

  const reset = async () => {
    setPlaying(false);
    await idle();
    run?.dispose();
    run = null;
    element<HTMLOutputElement>('noise-value').textContent = element<HTMLInputElement>('noise').value;
    element('tf-result').textContent = '';
    const settings = readSettings();
    run = new Run(ctx, settings, makeDataset(settings.dataset, SAMPLES, settings.noise), paintMap);
    // evaluate also checks the data (once per tensor), so that no frame's fit reads a check back.
    const first = (await run.model.evaluate(run.x, run.y)).loss;
    run.losses.push({ x: 0, y: first });
    element('first-loss').textContent = first.toFixed(4);
    element('rate-shown').textContent = '-';
    await run.draw();
    setStatus(baseStatus);
    markReady();
  };

  /** Trains `epochs` epochs and redraws; the measured rate counts the training and the redraw. */
  const advance = async (epochs: number) => {
    if (!run || busy) return;
    busy = true;
    try {
      const t0 = performance.now();
      const before = run.steps;
      await run.train(epochs);
      await run.draw();
      rate.steps += run.steps - before;
      rate.ms += performance.now() - t0;
      element('rate-shown').textContent = String(Math.round((rate.steps / rate.ms) * 1000));
    } finally {
      busy = false;
    }
  };

  // While it trains the page is not ready (window.demo.ready): it is again once the frame in
  // flight at the pause has finished, so that a test reads a settled page.
  const frame = () => {
    if (!playing || !run) {
      markReady();
      return;
    }
    advance(run.settings.epochsPerFrame).then(() => requestAnimationFrame(frame), (error) => {
      setPlaying(false);
      showError(error);
    });
  };

  const guarded = (action: () => Promise<void>) => () => action().catch(showError);
  playButton.addEventListener('click', () => {
    setPlaying(!playing);
    if (!playing) return;
    window.demo.ready = false;
    requestAnimationFrame(frame);
  });
  element('step').addEventListener('click', guarded(async () => {
    setPlaying(false);
    await idle();
    await advance(1);
  }));
  element('reset').addEventListener('click', guarded(reset));
  element('settings').addEventListener('change', guarded(reset));
  element('noise').addEventListener('input', () => {
    element('noise-value').textContent = element<HTMLInputElement>('noise').value;
  });
  element('tfjs').addEventListener('click', guarded(async () => {
    if (!run) return;
    const button = element<HTMLButtonElement>('tfjs');
    button.disabled = true;
    window.demo.ready = false;
    try {
      element('tf-result').textContent = 'Training on TF.js…';
      await trainOnTfjs(run);
      await run.draw();
    } finally {
      button.disabled = false;
      markReady();
    }
  }));
  await reset();
});
