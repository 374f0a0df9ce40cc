/**
 * What a Sequential model holds: its layers, the stages they compile to, the parameter layout,
 * the weights (host arrays until the model binds to a context, then one tensor per parameter),
 * the compile configuration and the optimizer state. The public class (model.ts) and the
 * fit/predict/evaluate/serialization modules work on this object.
 */
import { checkOptions } from '../options.js';
import { COMPILE_OPTIONS } from './options.js';
import { ArgumentError, ContextMismatchError, DeviceLostError, ShapeError } from '../errors.js';
import type { CoreContext } from '../core-context.js';
import { Tensor, type TensorData } from '../tensor.js';
import type { ReadRequest } from '../backend/backend.js';
import { describe, formatShape } from '../shape.js';
import { Activation, Dense, Dropout, Flatten, InputLayer, buildStages, type Layer, type Stage } from './layers.js';
import { initialize } from './initializers.js';
import { Random, randomSeed } from './random.js';
import { ModelStateError } from './errors.js';
import { parseLoss, parseMetrics, type LossName } from './losses.js';
import { initialSlotValue, parseOptimizer, type Optimizer } from './optimizers.js';
import { defaultContextIfReady, getDefaultContext } from './default-context.js';

/** Floats per alignment unit of the flat parameter layout: 64 floats = 256 bytes, the offset alignment of storage bindings. */
export const PARAM_ALIGN = 64;

/** One trainable tensor: a Dense kernel [inputs, units] or bias [units]. */
export interface ParamSpec {
  name: string;
  dense: number;
  kind: 'kernel' | 'bias';
  shape: number[];
  size: number;
  /** Offset (floats) in the flat layout, a multiple of PARAM_ALIGN. */
  offset: number;
}

/** The default names' stems (Keras's): dense_1, activation_1, dropout_1, input_layer_1, flatten_1. */
const LAYER_NAME_PREFIX: Record<Layer['className'], string> = { Dense: 'dense', Activation: 'activation', Dropout: 'dropout', InputLayer: 'input_layer', Flatten: 'flatten' };

export interface CompileConfig {
  loss: LossName;
  /** A cross-entropy on logits (compile's `{ name, fromLogits: true }`). */
  fromLogits: boolean;
  optimizer: Optimizer;
  /** Metric names as given (their History keys). */
  metrics: string[];
}

/**
 * What the model keeps on the host so that it can continue on another context when its device is
 * lost: the weights (Keras order), the optimizer's state slots and its iteration count (Adam's t,
 * the position of a learning-rate schedule).
 */
export interface HostState {
  weights: Float32Array[];
  /**
   * The optimizer's state slots (`optimizer.slots` blocks of the flat layout: SGD's velocity,
   * Adam's moments), or null for a fresh optimizer (zeros).
   */
  optimizer: Float32Array | null;
  iterations: number;
}

export class ModelCore {
  readonly layers: Layer[] = [];
  /** Features per input sample, once known. */
  inputWidth: number | null = null;
  stages: Stage[] = [];
  params: ParamSpec[] = [];
  /** Floats in the flat layout (padded). */
  flatSize = 0;
  ctx: CoreContext | null = null;
  /** Weights in Keras order while the model is not bound to a context. */
  hostWeights: Float32Array[] | null = null;
  /** Weights in Keras order on the bound context. */
  tensors: Tensor[] | null = null;
  /** True while the weights are the automatic initialization (compile's seed may redo it). */
  weightsAreInitial = false;
  compiled: CompileConfig | null = null;
  seed: number | null = null;
  /** [gradients | slot 1 | slot 2 | slot 3] in the flat layout, on the bound context. */
  optimizerState: Tensor | null = null;
  /** Optimizer steps taken since compile (Adam's t). */
  iterations = 0;
  /**
   * The host copy of the weights and optimizer state while the model is bound: set whenever the
   * host gives the weights (initialization, setWeights), and by fit at the end of its epochs.
   */
  kept: HostState | null = null;
  /**
   * The fused trainer's speed on `ctx` (its work units per ms) as last measured, or null before
   * any fit was timed there. A later fit sizes its groups from it from its first group on, so
   * that fit called in a loop (a few epochs per animation frame) runs each call's epochs as one
   * group, one readback, rather than starting again from a guess.
   */
  fusedWorkPerMs: number | null = null;
  disposed = false;
  /** True while fit runs (a second fit or a dispose must wait). */
  training = false;
  /**
   * While fit delivers a callback for an epoch inside a group of steps: puts that epoch's weights
   * into `tensors` (run once, by the first call that reads the weights, so that a callback that
   * does not look costs nothing).
   */
  pendingWeights: (() => void) | null = null;

  checkAlive(op: string): void {
    if (this.disposed) throw new ModelStateError(op, 'the model was disposed');
  }

  add(op: string, layer: unknown): void {
    this.checkAlive(op);
    if (!(layer instanceof Dense) && !(layer instanceof Activation) && !(layer instanceof Dropout) && !(layer instanceof InputLayer) && !(layer instanceof Flatten)) {
      throw new ArgumentError(op, `layer must be a Dense, Activation, Dropout, InputLayer or Flatten, got ${describe(layer)}`);
    }
    if (layer.owner) throw new ArgumentError(op, `layer ${layer.name ?? layer.className} already belongs to a model; create a new layer`);
    if (this.tensors || this.hostWeights) throw new ModelStateError(op, 'layers cannot be added once the model has weights');
    if (layer instanceof InputLayer && this.layers.length > 0) throw new ArgumentError(op, 'an InputLayer must be the first layer');
    if (this.layers.length === 0 && (layer instanceof InputLayer || (layer instanceof Dense && layer.inputShape))) this.inputWidth = layer.inputShape![0];
    const prefix = LAYER_NAME_PREFIX[layer.className];
    if (!layer.name) {
      const count = this.layers.filter((l) => l.className === layer.className).length + 1;
      let name = `${prefix}_${count}`;
      for (let k = count + 1; this.layers.some((l) => l.name === name); k++) name = `${prefix}_${k}`;
      layer.name = name;
    } else if (this.layers.some((l) => l.name === layer.name)) {
      throw new ArgumentError(op, `the model already has a layer named ${JSON.stringify(layer.name)}`);
    }
    layer.owner = this;
    this.layers.push(layer);
    this.stages = [];
    this.params = [];
    this.flatSize = 0;
  }

  get denseLayers(): Dense[] {
    return this.layers.filter((l): l is Dense => l instanceof Dense);
  }

  get built(): boolean {
    return this.inputWidth !== null && this.layers.length > 0;
  }

  /** Output width of the model (the last layer's units). */
  get outputWidth(): number {
    let width = this.inputWidth ?? 0;
    for (const l of this.layers) if (l instanceof Dense) width = l.units;
    return width;
  }

  /** Fixes the input width (from the first layer or the data) and derives stages and the parameter layout. */
  build(op: string, inputWidth?: number): void {
    if (this.layers.length === 0) throw new ModelStateError(op, 'the model has no layers; add some with model.add(...)');
    if (this.inputWidth === null) {
      if (inputWidth === undefined) {
        throw new ModelStateError(op, 'the model is not built yet: give the first layer an inputShape, or call fit/predict/evaluate with data first');
      }
      this.inputWidth = inputWidth;
    } else if (inputWidth !== undefined && inputWidth !== this.inputWidth) {
      throw new ShapeError(op, `x has ${inputWidth} features per sample, but the model's input shape is [${this.inputWidth}]`);
    }
    if (this.stages.length > 0 || this.params.length > 0) return;
    this.stages = buildStages(this.layers, this.inputWidth);
    let width = this.inputWidth;
    let offset = 0;
    this.params = [];
    this.denseLayers.forEach((layer, i) => {
      const push = (kind: 'kernel' | 'bias', shape: number[]) => {
        const size = shape.reduce((a, b) => a * b, 1);
        this.params.push({ name: `${layer.name}/${kind}`, dense: i, kind, shape, size, offset });
        offset += Math.ceil(size / PARAM_ALIGN) * PARAM_ALIGN;
      };
      push('kernel', [width, layer.units]);
      if (layer.useBias) push('bias', [layer.units]);
      width = layer.units;
    });
    this.flatSize = Math.max(offset, PARAM_ALIGN);
  }

  /** Initializes the weights (seeded by compile's seed when given), on the host or the bound context. */
  initializeWeights(): void {
    const random = new Random(this.seed ?? randomSeed());
    const dense = this.denseLayers;
    const values = this.params.map((p) => {
      const layer = dense[p.dense];
      const name = p.kind === 'kernel' ? layer.kernelInitializer : layer.biasInitializer;
      return initialize(name, p.size, p.shape[0], p.kind === 'kernel' ? p.shape[1] : p.shape[0], random);
    });
    this.replaceWeights(values);
    this.weightsAreInitial = true;
  }

  /** Makes sure weights exist (initializing them if needed). */
  ensureWeights(op: string): void {
    this.build(op);
    if (!this.tensors && !this.hostWeights) this.initializeWeights();
    const pending = this.pendingWeights;
    this.pendingWeights = null;
    pending?.();
  }

  /** Installs new weight values (Keras order); on a context as fresh tensors (never rewriting buffers recorded work may still read). */
  replaceWeights(values: Float32Array[]): void {
    const ctx = this.ctx;
    if (!ctx) {
      this.hostWeights = values.map((v) => v.slice());
      return;
    }
    const old = this.tensors;
    this.tensors = values.map((v, i) => ctx.keep(ctx.tensor(v, this.params[i].shape)));
    old?.forEach((t) => t.destroy());
    this.kept = { weights: values.map((v) => v.slice()), optimizer: this.kept?.optimizer ?? null, iterations: this.iterations };
  }

  /**
   * What a host copy reads from the bound context: each weight tensor, then the optimizer's state
   * (from its gradient slot on, which hostState skips). Callers put them in one readback with
   * their own reads (ctx.readTensors), recorded before the first await, so that they see exactly
   * the work recorded before the call.
   */
  hostReads(): ReadRequest[] {
    const slots = this.compiled?.optimizer.slots ?? 0;
    const reads: ReadRequest[] = this.tensors!.map((tensor) => ({ tensor }));
    if (this.optimizerState && slots > 0) reads.push({ tensor: this.optimizerState, elements: (1 + slots) * this.flatSize });
    return reads;
  }

  /** The host copy from the values of hostReads() (`iterations`: the optimizer's count they correspond to). */
  hostState(values: TensorData[], iterations: number): HostState {
    const weights = values.slice(0, this.params.length) as Float32Array[];
    const state = values[this.params.length] as Float32Array | undefined;
    return { weights, optimizer: state ? state.slice(this.flatSize) : null, iterations };
  }

  /** Reads the weights and the optimizer's state slots from the bound context (see hostReads). */
  async captureHost(iterations: number): Promise<HostState> {
    return this.hostState(await this.ctx!.readTensors(this.hostReads()), iterations);
  }

  /**
   * Moves the model to `ctx` (useContext): its weights and optimizer state, read from the old
   * context when it still works, else the copy kept on the host (a lost device).
   */
  async moveTo(op: string, ctx: CoreContext): Promise<void> {
    ctx.checkUsable(op);
    const old = this.ctx;
    if (old === ctx) return;
    if (!old) {
      this.bind(op, ctx);
      return;
    }
    // A model whose weights were never made has nothing to move; otherwise the old context's
    // values when it still answers, else the host copy.
    let state = this.tensors ? this.kept : null;
    if (this.tensors && old.alive) {
      try {
        state = await this.captureHost(this.iterations);
      } catch (error) {
        if (!(error instanceof DeviceLostError)) throw error;
      }
    }
    if (this.ctx !== old) throw new ModelStateError(op, 'the model moved to another context while useContext ran');
    this.tensors?.forEach((t) => t.destroy());
    this.optimizerState?.destroy();
    this.tensors = null;
    this.optimizerState = null;
    this.ctx = ctx;
    this.fusedWorkPerMs = null;
    this.kept = state;
    if (!state) return;
    this.iterations = state.iterations;
    this.replaceWeights(state.weights);
    if (state.optimizer) this.ensureOptimizerState(state.optimizer);
  }

  /** Binds the model to `ctx` (once); uploads weights held on the host. */
  bind(op: string, ctx: CoreContext): void {
    if (this.ctx === ctx) return;
    if (this.ctx) throw new ContextMismatchError(op, 'the model is bound to another context (the one it was compiled with or first given tensors from)');
    ctx.checkUsable(op);
    this.ctx = ctx;
    if (this.hostWeights) {
      const values = this.hostWeights;
      this.hostWeights = null;
      this.replaceWeights(values);
    }
  }

  /** The context of the call: the tensors' (all the same), the bound one, or the default one. */
  async resolveContext(op: string, ...args: unknown[]): Promise<CoreContext> {
    const fromTensors = this.contextOfTensors(op, args);
    if (fromTensors) this.bind(op, fromTensors);
    if (!this.ctx) this.bind(op, await getDefaultContext());
    return this.ctx!;
  }

  /** Synchronous variant: the default context must exist already. */
  resolveContextSync(op: string, ...args: unknown[]): CoreContext {
    const fromTensors = this.contextOfTensors(op, args);
    if (fromTensors) this.bind(op, fromTensors);
    if (!this.ctx) {
      const ctx = defaultContextIfReady();
      if (!ctx) {
        throw new ModelStateError(
          op,
          'the model has no context yet and the default one is not created: pass Tensors, compile with { context }, call setDefaultContext(ctx), or await fit/evaluate/getWeights first',
        );
      }
      this.bind(op, ctx);
    }
    return this.ctx!;
  }

  private contextOfTensors(op: string, args: unknown[]): CoreContext | null {
    let found: CoreContext | null = null;
    for (const a of args) {
      if (!(a instanceof Tensor)) continue;
      const owner = a.owner as CoreContext;
      if (found && owner !== found) throw new ContextMismatchError(op, 'x and y belong to different contexts');
      found = owner;
    }
    if (found && this.ctx && found !== this.ctx) throw new ContextMismatchError(op, 'the tensors belong to another context than the one the model is bound to');
    return found;
  }

  /** Optimizer state on the bound context, created on first need: zeros, or the slots given (HostState.optimizer). */
  ensureOptimizerState(slots?: Float32Array): Tensor {
    const ctx = this.ctx!;
    if (!this.optimizerState) {
      // Slot 0 (the fused trainers' gradient sums) and slots 1 to 3 (optimizer state).
      const values = new Float32Array(4 * this.flatSize);
      if (slots) values.set(slots, this.flatSize);
      else values.fill(initialSlotValue(this.compiled!.optimizer), this.flatSize, 2 * this.flatSize);
      this.optimizerState = ctx.keep(ctx.tensor(values));
    }
    return this.optimizerState;
  }

  resetOptimizer(): void {
    this.optimizerState?.destroy();
    this.optimizerState = null;
    this.iterations = 0;
    if (this.kept) this.kept = { ...this.kept, optimizer: null, iterations: 0 };
  }

  compile(op: string, options: unknown): void {
    this.checkAlive(op);
    if (this.training) throw new ModelStateError(op, 'the model is training; compile after fit resolves');
    if (options === null || typeof options !== 'object') throw new ArgumentError(op, `options must be an object like { loss: 'mse', optimizer: 'sgd' }, got ${describe(options)}`);
    checkOptions(op, options, COMPILE_OPTIONS);
    const o = options as { loss?: unknown; optimizer?: unknown; metrics?: unknown; seed?: unknown; context?: unknown };
    const loss = parseLoss(op, o.loss);
    const optimizer = parseOptimizer(op, o.optimizer ?? 'sgd');
    const metrics = parseMetrics(op, o.metrics);
    if (o.seed !== undefined && (typeof o.seed !== 'number' || !Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff)) {
      throw new ArgumentError(op, `seed must be an integer in [0, 2^32), got ${describe(o.seed)}`);
    }
    if (o.context !== undefined) {
      const ctx = o.context as CoreContext;
      if (!ctx || typeof ctx !== 'object' || typeof (ctx as { checkUsable?: unknown }).checkUsable !== 'function') {
        throw new ArgumentError(op, `context must be a Context from createContext(), got ${describe(o.context)}`);
      }
      this.bind(op, ctx);
    }
    this.compiled = { loss: loss.name, fromLogits: loss.fromLogits, optimizer, metrics };
    this.resetOptimizer();
    if (o.seed !== undefined) {
      this.seed = o.seed as number;
      if (this.weightsAreInitial) {
        this.tensors?.forEach((t) => t.destroy());
        this.tensors = null;
        this.hostWeights = null;
        this.kept = null;
      }
    }
    if (this.built && !this.tensors && !this.hostWeights) {
      this.build(op);
      this.initializeWeights();
    }
  }

  /** Checks arrays given to setWeights against the layout. */
  checkWeightArrays(op: string, arrays: unknown): Float32Array[] {
    if (!Array.isArray(arrays)) throw new ArgumentError(op, `weights must be an array of Float32Array (Keras order), got ${describe(arrays)}`);
    if (arrays.length !== this.params.length) {
      throw new ShapeError(op, `the model has ${this.params.length} weight arrays (${this.params.map((p) => `${p.name} ${formatShape(p.shape)}`).join(', ')}), got ${arrays.length}`);
    }
    return arrays.map((given, i) => {
      const p = this.params[i];
      let a: unknown = given;
      if (given !== null && typeof given === 'object' && !Array.isArray(given) && !ArrayBuffer.isView(given)) {
        const w = given as { shape?: unknown; values?: unknown };
        if (!Array.isArray(w.shape) || w.shape.length !== p.shape.length || w.shape.some((d, k) => d !== p.shape[k])) {
          throw new ShapeError(op, `weights[${i}] (${p.name}) must have shape ${formatShape(p.shape)}, got ${Array.isArray(w.shape) ? formatShape(w.shape) : describe(w.shape)}`);
        }
        a = w.values;
      }
      let values: Float32Array;
      if (a instanceof Float32Array) values = a;
      else if (Array.isArray(a) && a.every((v) => typeof v === 'number')) values = new Float32Array(a);
      else throw new ArgumentError(op, `weights[${i}] (${p.name}) must be { name, shape, values }, a Float32Array or a number[], got ${describe(a)}`);
      if (values.length !== p.size) {
        throw new ShapeError(op, `weights[${i}] (${p.name}) must have ${p.size} values for shape ${formatShape(p.shape)}, got ${values.length}`);
      }
      return values;
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.tensors?.forEach((t) => t.destroy());
    this.tensors = null;
    this.hostWeights = null;
    this.kept = null;
    this.optimizerState?.destroy();
    this.optimizerState = null;
    this.disposed = true;
  }
}
