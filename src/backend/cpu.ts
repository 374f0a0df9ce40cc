/** The cpu backend: tensors are typed arrays and every op runs its definition's reference. */
import { BackendUnavailableError } from '../errors.js';
import type { Backend } from './backend.js';

export const cpuBackend: Backend = {
  name: 'cpu',
  gpu: null,
  upload: (_op, values) => ({ buffer: null, offset: 0, data: values.slice() }),
  read: async (requests) =>
    requests.map(({ tensor, elements }) => {
      const data = tensor.storage!.data!;
      return elements === undefined ? data.slice() : data.slice(0, elements);
    }),
  release: () => {},
  run(ctx, def, args) {
    if (!def.reference) throw new BackendUnavailableError(def.name, `${def.name} runs only on the webgpu backend`);
    return def.reference(ctx, args);
  },
  captured: (_op, fn) => fn(),
  submit: () => {},
  flush: async () => {},
  checkAlive: () => {},
  destroy: () => {},
};
