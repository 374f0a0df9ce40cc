/** Input handling shared by the pages where logits are typed (the playground, the softmax article). */
import { showError } from './site';

/** The numbers typed in, comma separated; an entry that is not a number is an error naming it. */
export function parseLogits(text: string): number[] {
  const parts = text.split(',').map((t) => t.trim()).filter(Boolean);
  if (parts.length === 0) throw new Error('Type at least one number.');
  return parts.map((t) => {
    const v = Number(t);
    if (Number.isNaN(v) && t !== 'NaN') throw new Error(`Not a number: "${t}". Use numbers, -Infinity, Infinity or NaN, separated by commas.`);
    return v;
  });
}

/** The shortest decimal text that reads back as the float32 `v`. */
export function float32Text(v: number): string {
  for (let digits = 1; digits < 9; digits++) {
    const text = String(Number(v.toPrecision(digits)));
    if (Math.fround(Number(text)) === v) return text;
  }
  return String(Number(v.toPrecision(9)));
}

/**
 * Runs `run` for the latest input only: edits that arrive while it runs are coalesced into one
 * more run. A failure shows in the status line; the next successful run clears it.
 */
export function serialized(run: () => Promise<void>): () => void {
  let running = false;
  let again = false;
  const loop = async () => {
    running = true;
    do {
      again = false;
      try {
        await run();
      } catch (error) {
        showError(error);
      }
    } while (again);
    running = false;
  };
  return () => {
    if (running) again = true;
    else void loop();
  };
}
