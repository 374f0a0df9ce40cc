/**
 * `fit`'s verbose output. In Node (process.stdout), Keras's per-epoch progress bar:
 *   Epoch 3/10
 *   32/32 [==============================] - 0s 2ms/step - loss: 0.2312 - accuracy: 0.6250
 * In a page, the same as one console line per epoch. verbose 2 prints the one-line form anywhere.
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

  constructor(
    private readonly verbose: number,
    private readonly epochs: number,
    private readonly steps: number,
  ) {
    this.out = verbose === 1 ? nodeStdout() : null;
  }

  /** Prints the end of one epoch (`ms`: its share of the wall time). */
  epochEnd(epoch: number, ms: number, logs: Record<string, number>): void {
    if (this.verbose === 0) return;
    const steps = `${this.steps}/${this.steps}`;
    const timing = `${formatSeconds(ms)} ${formatPerStep(ms / this.steps)}`;
    if (this.out) {
      const bar = `[${'='.repeat(30)}]`;
      this.out.write(`Epoch ${epoch + 1}/${this.epochs}\n${steps} ${bar} - ${timing} - ${formatLogs(logs)}\n`);
    } else {
      console.log(`Epoch ${epoch + 1}/${this.epochs} - ${steps} - ${timing} - ${formatLogs(logs)}`);
    }
  }
}
