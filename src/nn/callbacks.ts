/**
 * fit's callbacks: the hooks TF.js and Keras deliver (in Keras's nesting: train begin, then per
 * epoch: epoch begin, per batch: batch begin / end, epoch end; train end), the `callbacks`
 * option's parsing (one object or an array, delivered in order), and the built-ins
 * EarlyStopping, LearningRateScheduler and ReduceLROnPlateau.
 *
 * The built-ins act through a FitControl that fit hands them: they stop training at exactly the
 * epoch Keras would and keep / restore weights on the GPU even when the epochs ran inside one
 * group of steps (see fit-loop.ts). LearningRateScheduler is also asked for the rates of the
 * epochs ahead, so that a group uploads them with its steps instead of ending at every epoch.
 */
import { ArgumentError } from '../errors.js';
import { checkOptions, closestName } from '../options.js';
import { describe } from '../shape.js';
import { CALLBACK_HOOKS, EARLY_STOPPING_CONFIG, REDUCE_LR_CONFIG } from './options.js';

export type Logs = Record<string, number>;

/** The hooks fit delivers; every one may return a Promise, which fit awaits. */
export interface FitCallbacks {
  /** Before the first epoch. */
  onTrainBegin?: (logs: Logs) => unknown;
  /** After the last epoch (or the one training stopped at), with that epoch's logs. */
  onTrainEnd?: (logs: Logs) => unknown;
  /** Before each epoch. */
  onEpochBegin?: (epoch: number, logs: Logs) => unknown;
  /** After each epoch, with its `loss`, metrics and `val_*` values. */
  onEpochEnd?: (epoch: number, logs: Logs) => unknown;
  /** Before each batch (`batch`: its index in the epoch). */
  onBatchBegin?: (batch: number, logs: Logs) => unknown;
  /** After each batch, with the batch's `loss` (mean over its samples) and metrics. */
  onBatchEnd?: (batch: number, logs: Logs) => unknown;
}

export type HookName = (typeof CALLBACK_HOOKS)[number];

/** What fit lets the built-in callbacks do (internal). */
export interface FitControl {
  /** The keys of the epoch logs this fit delivers (`loss`, metrics, `val_*`). */
  readonly logKeys: readonly string[];
  /** Stops training after the epoch being delivered (model.stopTraining = true). */
  stop(): void;
  getLearningRate(): number;
  setLearningRate(rate: number): void;
  /** Keeps a copy (on the model's device) of the weights at the end of the epoch being delivered. */
  keepWeights(owner: object): void;
  /** Puts the copy kept by `owner` into the model. */
  restoreWeights(owner: object): void;
}

const ATTACH = Symbol('attach');

/** The built-ins' base: fit hands them its control before training begins. */
abstract class BuiltinCallback {
  protected control: FitControl | null = null;

  /** @internal */
  [ATTACH](control: FitControl): void {
    this.control = control;
  }

  protected get fit(): FitControl {
    return this.control!;
  }
}

type Mode = 'auto' | 'min' | 'max';

function parseMode(op: string, mode: unknown): Mode {
  if (mode === undefined) return 'auto';
  if (mode !== 'auto' && mode !== 'min' && mode !== 'max') throw new ArgumentError(op, `mode must be 'auto', 'min' or 'max', got ${describe(mode)}`);
  return mode;
}

/** Whether a larger `monitor` value is better ('auto': accuracies are, losses are not). */
function higherIsBetter(mode: Mode, monitor: string): boolean {
  if (mode !== 'auto') return mode === 'max';
  const name = monitor.replace(/^val_/, '');
  return name === 'accuracy' || name === 'acc';
}

function nonNegative(op: string, arg: string, value: unknown, fallback: number, integer: boolean): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (integer && !Number.isInteger(value))) {
    throw new ArgumentError(op, `${arg} must be a non-negative ${integer ? 'integer' : 'number'}, got ${describe(value)}`);
  }
  return value;
}

function monitorName(op: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) throw new ArgumentError(op, `monitor must be a log name such as 'val_loss', got ${describe(value)}`);
  return value;
}

/** The monitored value of an epoch; a name fit does not log is refused when training begins. */
function checkMonitor(op: string, monitor: string, keys: readonly string[]): void {
  if (keys.includes(monitor)) return;
  const guess = closestName(monitor, keys);
  const hint = monitor.startsWith('val_') && !keys.some((k) => k.startsWith('val_')) ? 'give validationSplit or validationData to log val_ values' : guess ? `did you mean '${guess}'?` : `logs: ${keys.join(', ')}`;
  throw new ArgumentError(op, `monitor '${monitor}' is not logged by this fit (${hint})`);
}

export interface EarlyStoppingConfig {
  /** The log to watch (default 'val_loss'). */
  monitor?: string;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** 'min', 'max' or 'auto' (default: 'max' for accuracies, else 'min'). */
  mode?: Mode;
  /** Training stops unless the monitored value beats this within `patience` epochs. */
  baseline?: number;
  /** At the end of training, put back the weights of the best epoch (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Keras's EarlyStopping: stops training when `monitor` has not improved for `patience` epochs.
 * The History ends at the epoch it stops at and the model holds that epoch's weights (the best
 * epoch's with `restoreBestWeights`), however many epochs the trainer ran between readbacks.
 *
 * @example
 * await model.fit(x, y, { epochs: 500, validationSplit: 0.2, callbacks: [new EarlyStopping({ patience: 5 })] });
 */
export class EarlyStopping extends BuiltinCallback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly mode: Mode;
  readonly baseline: number | undefined;
  readonly restoreBestWeights: boolean;
  /** The epoch training stopped at (0 if it did not stop). */
  stoppedEpoch = 0;
  /** The best epoch so far and its value. */
  bestEpoch = 0;
  best: number | undefined;
  private wait = 0;
  private kept = false;

  constructor(config: EarlyStoppingConfig = {}) {
    super();
    const op = 'EarlyStopping';
    const c = checkOptions(op, config, EARLY_STOPPING_CONFIG, 'config') as EarlyStoppingConfig;
    this.monitor = monitorName(op, c.monitor, 'val_loss');
    // Keras takes the size of minDelta whatever its sign.
    if (c.minDelta !== undefined && (typeof c.minDelta !== 'number' || !Number.isFinite(c.minDelta))) throw new ArgumentError(op, `minDelta must be a finite number, got ${describe(c.minDelta)}`);
    this.minDelta = Math.abs(c.minDelta ?? 0);
    this.patience = nonNegative(op, 'patience', c.patience, 0, true);
    this.mode = parseMode(op, c.mode);
    if (c.baseline !== undefined && (typeof c.baseline !== 'number' || !Number.isFinite(c.baseline))) throw new ArgumentError(op, `baseline must be a finite number, got ${describe(c.baseline)}`);
    this.baseline = c.baseline;
    if (c.restoreBestWeights !== undefined && typeof c.restoreBestWeights !== 'boolean') {
      throw new ArgumentError(op, `restoreBestWeights must be a boolean, got ${describe(c.restoreBestWeights)}`);
    }
    this.restoreBestWeights = c.restoreBestWeights ?? false;
  }

  private improves(value: number, reference: number | undefined): boolean {
    if (reference === undefined) return true;
    return higherIsBetter(this.mode, this.monitor) ? value - this.minDelta > reference : value + this.minDelta < reference;
  }

  onTrainBegin(): void {
    checkMonitor('EarlyStopping', this.monitor, this.fit.logKeys);
    this.wait = 0;
    this.stoppedEpoch = 0;
    this.best = undefined;
    this.bestEpoch = 0;
    this.kept = false;
  }

  // Keras 3's rule: count the epoch, reset on an improvement (that also beats the baseline),
  // stop once the count reaches the patience (never at epoch 0).
  onEpochEnd(epoch: number, logs: Logs): void {
    const value = logs[this.monitor];
    this.wait++;
    if (this.improves(value, this.best)) {
      this.best = value;
      this.bestEpoch = epoch;
      if (this.restoreBestWeights) {
        this.fit.keepWeights(this);
        this.kept = true;
      }
      if (this.baseline === undefined || this.improves(value, this.baseline)) this.wait = 0;
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      this.fit.stop();
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.kept) this.fit.restoreWeights(this);
  }
}

/**
 * Keras's LearningRateScheduler: before each epoch, sets the optimizer's learning rate to
 * `schedule(epoch, currentRate)`. The schedule must be a pure function of its arguments: fit
 * calls it ahead for the epochs of a group of steps and uploads the rates with the group.
 *
 * @example
 * new LearningRateScheduler((epoch, lr) => (epoch < 10 ? lr : lr * 0.9))
 */
export class LearningRateScheduler extends BuiltinCallback {
  readonly schedule: (epoch: number, learningRate: number) => number;

  constructor(schedule: (epoch: number, learningRate: number) => number) {
    super();
    if (typeof schedule !== 'function') throw new ArgumentError('LearningRateScheduler', `schedule must be a function (epoch, learningRate) => learningRate, got ${describe(schedule)}`);
    this.schedule = schedule;
  }

  /** The rate of `epoch` given the rate before it (checked). */
  rateFor(epoch: number, learningRate: number): number {
    const rate = this.schedule(epoch, learningRate);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
      throw new ArgumentError('LearningRateScheduler', `schedule(${epoch}, ${learningRate}) must return a positive finite number, got ${describe(rate)}`);
    }
    return rate;
  }

  onEpochBegin(epoch: number): void {
    this.fit.setLearningRate(this.rateFor(epoch, this.fit.getLearningRate()));
  }
}

export interface ReduceLROnPlateauConfig {
  /** Default 'val_loss'. */
  monitor?: string;
  /** New rate = rate * factor (default 0.1; must be < 1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** Default 'auto'. */
  mode?: Mode;
  /** Smallest change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
  /** Lower bound on the rate (default 0). */
  minLr?: number;
}

/**
 * Keras's ReduceLROnPlateau: multiplies the learning rate by `factor` when `monitor` has not
 * improved for `patience` epochs. The new rate applies from the next epoch, exactly, even inside
 * a group of steps (fit rewinds to the end of the epoch and runs on at the new rate).
 */
export class ReduceLROnPlateau extends BuiltinCallback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly mode: Mode;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private best = 0;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(config: ReduceLROnPlateauConfig = {}) {
    super();
    const op = 'ReduceLROnPlateau';
    const c = checkOptions(op, config, REDUCE_LR_CONFIG, 'config') as ReduceLROnPlateauConfig;
    this.monitor = monitorName(op, c.monitor, 'val_loss');
    const factor = c.factor ?? 0.1;
    if (typeof factor !== 'number' || !(factor > 0 && factor < 1)) throw new ArgumentError(op, `factor must be a number in (0, 1), got ${describe(factor)}`);
    this.factor = factor;
    this.patience = nonNegative(op, 'patience', c.patience, 10, true);
    this.mode = parseMode(op, c.mode);
    this.minDelta = nonNegative(op, 'minDelta', c.minDelta, 1e-4, false);
    this.cooldown = nonNegative(op, 'cooldown', c.cooldown, 0, true);
    this.minLr = nonNegative(op, 'minLr', c.minLr, 0, false);
  }

  private improves(value: number): boolean {
    return higherIsBetter(this.mode, this.monitor) ? value > this.best + this.minDelta : value < this.best - this.minDelta;
  }

  onTrainBegin(): void {
    checkMonitor('ReduceLROnPlateau', this.monitor, this.fit.logKeys);
    this.best = higherIsBetter(this.mode, this.monitor) ? -Infinity : Infinity;
    this.wait = 0;
    this.cooldownCounter = 0;
  }

  onEpochEnd(_epoch: number, logs: Logs): void {
    const value = logs[this.monitor];
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.improves(value)) {
      this.best = value;
      this.wait = 0;
    } else if (this.cooldownCounter === 0) {
      this.wait++;
      if (this.wait >= this.patience) {
        const rate = this.fit.getLearningRate();
        // Keras compares in float32 (the rate is a float32 variable there).
        if (Math.fround(rate) > Math.fround(this.minLr)) {
          this.fit.setLearningRate(Math.max(rate * this.factor, this.minLr));
          this.cooldownCounter = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

/** The callbacks of one fit, delivered in order (each hook gets its own copy of the logs). */
export class CallbackList {
  constructor(readonly list: readonly FitCallbacks[]) {}

  has(hook: HookName): boolean {
    return this.list.some((c) => typeof c[hook] === 'function');
  }

  /** Whether a callback other than the built-ins has one of `hooks` (its effects cannot be planned). */
  hasUserHook(...hooks: HookName[]): boolean {
    return this.list.some((c) => !(c instanceof BuiltinCallback) && hooks.some((h) => typeof c[h] === 'function'));
  }

  /** The rate of `epoch` after the schedulers, given the rate before it. */
  plannedRate(epoch: number, rate: number): number {
    for (const c of this.list) if (c instanceof LearningRateScheduler) rate = c.rateFor(epoch, rate);
    return rate;
  }

  attach(control: FitControl): void {
    for (const c of this.list) if (c instanceof BuiltinCallback) c[ATTACH](control);
  }

  // Each returns a Promise only when a hook did: a fit of thousands of epochs with synchronous
  // hooks then delivers them without a microtask per hook.
  trainBegin(): Promise<void> | void {
    return deliver(this.list, (c) => c.onTrainBegin?.({}));
  }

  trainEnd(logs: Logs): Promise<void> | void {
    return deliver(this.list, (c) => c.onTrainEnd?.({ ...logs }));
  }

  epochBegin(epoch: number): Promise<void> | void {
    return deliver(this.list, (c) => c.onEpochBegin?.(epoch, {}));
  }

  epochEnd(epoch: number, logs: Logs): Promise<void> | void {
    return deliver(this.list, (c) => c.onEpochEnd?.(epoch, { ...logs }));
  }

  batchBegin(batch: number): Promise<void> | void {
    return deliver(this.list, (c) => c.onBatchBegin?.(batch, {}));
  }

  batchEnd(batch: number, logs: Logs): Promise<void> | void {
    return deliver(this.list, (c) => c.onBatchEnd?.(batch, { ...logs }));
  }
}

/** Calls `call` on each callback in order, awaiting (from there on) only what returns a promise. */
function deliver(list: readonly FitCallbacks[], call: (c: FitCallbacks) => unknown, from = 0): Promise<void> | void {
  for (let i = from; i < list.length; i++) {
    const result = call(list[i]);
    if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
      return Promise.resolve(result).then(() => deliver(list, call, i + 1));
    }
  }
}

/**
 * `callbacks`: one object or an array of them (TF.js's and Keras's habit), each delivered in
 * order. Callback objects may be class instances with fields of their own: only `on*` keys are
 * checked, and one that fit does not deliver is refused rather than never called.
 */
export function parseCallbacks(op: string, value: unknown): CallbackList {
  if (value === undefined) return new CallbackList([]);
  const list = Array.isArray(value) ? value : [value];
  list.forEach((c, i) => {
    const arg = Array.isArray(value) ? `callbacks[${i}]` : 'callbacks';
    if (c === null || typeof c !== 'object') throw new ArgumentError(op, `${arg} must be an object with hooks such as onEpochEnd, got ${describe(c)}`);
    for (const key of allKeys(c)) {
      if (!/^on[A-Z]/.test(key)) continue;
      if (!(CALLBACK_HOOKS as readonly string[]).includes(key)) {
        const guess = closestName(key, CALLBACK_HOOKS);
        throw new ArgumentError(op, `${arg}.${key} is not a hook fit delivers (${guess ? `did you mean '${guess}'?` : `hooks: ${CALLBACK_HOOKS.join(', ')}`})`);
      }
      const hook = (c as Record<string, unknown>)[key];
      if (hook !== undefined && typeof hook !== 'function') throw new ArgumentError(op, `${arg}.${key} must be a function, got ${describe(hook)}`);
    }
  });
  return new CallbackList(list as FitCallbacks[]);
}

/** Own and inherited method names (a callback may be a class instance). */
function allKeys(object: object): string[] {
  const keys = new Set<string>();
  for (let o: object | null = object; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const k of Object.getOwnPropertyNames(o)) if (k !== 'constructor') keys.add(k);
  }
  return [...keys];
}
