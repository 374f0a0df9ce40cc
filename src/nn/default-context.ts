/**
 * The shared default context: models that are given neither a `context` in `compile` nor tensors
 * use it. It is created once, on first need, with `createContext({ backend: 'auto' })`;
 * `setDefaultContext` replaces it. A default context that was destroyed or whose device was lost
 * (set by setDefaultContext or not) is dropped: the next call that needs one creates a new one
 * the same way; models bound to it stay bound to it until `model.useContext`.
 */
import { ArgumentError } from '../errors.js';
import { CoreContext } from '../core-context.js';
import { describe } from '../shape.js';

let current: CoreContext | null = null;
let pending: Promise<CoreContext> | null = null;

/**
 * The main entry's context, with every op as a method. Imported on first need, so that an app
 * that gives its models a context loads the op methods only if it imports them itself.
 */
async function createDefaultContext(): Promise<CoreContext> {
  const { createContext } = await import('../context.js');
  return createContext({ backend: 'auto' });
}

/**
 * Makes `ctx` the context that models without one bind to (models already bound keep theirs).
 *
 * @example
 * setDefaultContext(await createContext({ backend: 'cpu' }));
 * const model = new Sequential([new Dense({ units: 1, inputShape: [3] })]);
 * model.predict([[1, 2, 3]]);   // runs on the cpu context
 */
export function setDefaultContext(ctx: CoreContext): void {
  if (!(ctx instanceof CoreContext)) throw new ArgumentError('setDefaultContext', `ctx must be a Context from createContext(), got ${describe(ctx)}`);
  current = ctx;
  pending = null;
}

/** The default context, created on first call. */
export async function getDefaultContext(): Promise<CoreContext> {
  dropIfLost();
  if (current) return current;
  if (!pending) {
    const creating = createDefaultContext();
    pending = creating;
    creating.then(
      (ctx) => {
        if (pending === creating) current = ctx;
      },
      () => {
        if (pending === creating) pending = null;
      },
    );
  }
  const ctx = await pending;
  return current ?? ctx;
}

/** The default context if it exists already (synchronous calls cannot wait for one to be made). */
export function defaultContextIfReady(): CoreContext | null {
  dropIfLost();
  return current;
}

function dropIfLost(): void {
  if (current && !current.alive) {
    current = null;
    pending = null;
  }
}
