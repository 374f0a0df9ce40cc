// The checks run in the page: your own code that uses webgpu-nn goes here. The result is left in
// window.testResult for run-tests.mjs to read: { passed, failed, failures, adapter }.
import { createContext } from 'webgpu-nn';

const failures = [];
let passed = 0;
function check(name, condition, detail = '') {
  if (condition) passed++;
  else failures.push(`${name}${detail ? `: ${detail}` : ''}`);
}

async function run() {
  // backend: 'webgpu' fails instead of falling back to the cpu backend when there is no adapter.
  const ctx = await createContext({ backend: 'webgpu' });
  try {
    check('runs on WebGPU', ctx.backend === 'webgpu', ctx.backend);
    const probs = await ctx.softmax(ctx.tensor([[1, 2, 3], [0, 0, -Infinity]])).read();
    const expected = [0.09003057, 0.24472847, 0.66524096, 0.5, 0.5, 0];
    const worst = Math.max(...expected.map((p, i) => Math.abs(probs[i] - p)));
    check('softmax matches', worst < 1e-6, `largest error ${worst}`);
    return { adapter: ctx.adapterInfo };
  } finally {
    ctx.destroy();
  }
}

run()
  .then(({ adapter }) => {
    window.testResult = { passed, failed: failures.length, failures, adapter };
  })
  .catch((error) => {
    window.testResult = { passed, failed: failures.length + 1, failures: [...failures, String(error)], adapter: null };
  });
