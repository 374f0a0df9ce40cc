/**
 * `fit`'s verbose output. verbose 1 in a Node terminal (process.stdout.isTTY): Keras's live
 * progress bar, redrawn as the steps' logs are delivered (at the end of each group of steps):
 *   Epoch 3/10
 *   32/32 [==============================] - 0s 2ms/step - loss: 0.2312 - accuracy: 0.6250
 * Elsewhere (a pipe, a file, a page) and with verbose 2: one line per epoch.
 */

function formatLogs(logs: Record<string, number>): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k}: ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(4)}`)
    .join(' - ');
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 1000)}s`;
}

function formatPerStep(ms: number): string {
  if (ms >= 1) return `${Math.round(ms)}ms/step`;
  return `${Math.round(ms * 1000)}us/step`;
}

interface Writer {
  write(text: string): unknown;
  isTTY?: boolean;
}

function nodeStdout(): Writer | null {
  const p = (globalThis as { process?: { stdout?: Writer } }).process;
  return p?.stdout && typeof p.stdout.write === 'function' ? p.stdout : null;
}

export class Progress {
  private readonly out: Writer | null;
  /** Redraws a live bar (verbose 1 in a Node terminal). */
  readonly live: boolean;

  constructor(
    private readonly verbose: number,
    private readonly epochs: number,
    private readonly steps: number,
  ) {
    this.out = verbose === 1 ? nodeStdout() : null;
    this.live = this.out?.isTTY === true;
  }

  private bar(done: number): string {
    const filled = Math.floor((30 * done) / this.steps);
    return `${done}/${this.steps} [${'='.repeat(Math.max(0, filled - 1))}${done === this.steps ? '=' : '>'}${'.'.repeat(30 - Math.max(1, filled))}]`;
  }

  /** Starts an epoch's bar (live only). */
  epochBegin(epoch: number): void {
    if (this.live) this.out!.write(`Epoch ${epoch + 1}/${this.epochs}\n${this.bar(0)}`);
  }

  /** Redraws the bar after batch `batch` (live only). */
  batchEnd(batch: number, logs: Record<string, number>): void {
    if (this.live) this.out!.write(`\r${this.bar(batch + 1)} - ${formatLogs(logs)}\x1b[K`);
  }

  /** Prints the end of one epoch (`ms`: its share of the wall time). */
  epochEnd(epoch: number, ms: number, logs: Record<string, number>): void {
    if (this.verbose === 0) return;
    const steps = `${this.steps}/${this.steps}`;
    const timing = `${formatSeconds(ms)} ${formatPerStep(ms / this.steps)}`;
    if (this.live) this.out!.write(`\r${this.bar(this.steps)} - ${timing} - ${formatLogs(logs)}\x1b[K\n`);
    else if (this.out) this.out.write(`Epoch ${epoch + 1}/${this.epochs} - ${steps} - ${timing} - ${formatLogs(logs)}\n`);
    else console.log(`Epoch ${epoch + 1}/${this.epochs} - ${steps} - ${timing} - ${formatLogs(logs)}`);
  }
}
