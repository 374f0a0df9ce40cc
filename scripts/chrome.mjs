// Finds the Chromium that runs webgpu-nn's GPU tests, demos and benchmarks: CHROME_PATH first,
// then the usual system paths. Where none is found and apt-get works as root, installs Debian's
// `chromium` package (it brings SwiftShader, so WebGPU works without a GPU); otherwise fails with
// the exact command to run.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const INSTALL_COMMAND = 'apt-get update && apt-get install -y chromium';

function hasAptAsRoot() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  try {
    execFileSync('apt-get', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Returns the path of a Chromium executable, installing Debian's package when it can. */
export function findChrome({ install = true } = {}) {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (existsSync(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH is set to ${fromEnv}, which does not exist.`);
  }
  const found = SYSTEM_PATHS.find((p) => existsSync(p));
  if (found) return found;
  if (install && hasAptAsRoot()) {
    console.error(`webgpu-nn: no Chromium found; installing Debian's chromium (${INSTALL_COMMAND})`);
    execFileSync('sh', ['-c', `${INSTALL_COMMAND} >&2`], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const installed = SYSTEM_PATHS.find((p) => existsSync(p));
    if (installed) return installed;
  }
  throw new Error(
    'webgpu-nn needs Chromium with WebGPU and found none. Install it (as root on Debian/Ubuntu: ' +
      `\`${INSTALL_COMMAND}\`) or set CHROME_PATH to a Chrome/Chromium executable.`,
  );
}

/** Flags for headless WebGPU; SwiftShader serves it where the machine has no GPU. */
export const CHROME_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // gc() for the bench, which collects garbage before each timed run (bench/harness.ts).
  '--js-flags=--expose-gc',
];

/**
 * CHROME_ARGS for pages that draw into a WebGPU canvas (the demo site's training map) on a machine
 * without a GPU: the compositor on SwiftShader's Vulkan as well. Without these two flags, headless
 * Chromium 156 on SwiftShader drops every WebGPU device of the page as soon as a canvas hands out
 * its texture ("A valid external Instance reference no longer exists"). Kept apart from
 * CHROME_ARGS so that the library's tests and the bench run as before on machines with a GPU.
 */
export const CANVAS_CHROME_ARGS = [...CHROME_ARGS, '--use-angle=swiftshader', '--use-vulkan=swiftshader'];
