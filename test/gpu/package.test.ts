/**
 * The published package: `npm pack` (which builds dist/), unpack the tarball into a fresh
 * project's node_modules, then use it as consumers do: `import` and `require()` from Node (cpu
 * backend), a strict TypeScript project on TypeScript 5 and 7, and a page served as static files
 * (webgpu backend, in the shared headless Chromium). Nothing here reaches the registry: the one
 * dependency, @webgpu/types, is linked from this repository's node_modules.
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, relative } from 'node:path';
import puppeteer from 'puppeteer';
import { installPackedLibrary, ROOT } from '../util/pack';

let project: string;
/** The unpacked package: node_modules/webgpu-nn of the consumer project. */
let packageDir: string;

/** Every file under `dir`, as paths relative to it with forward slashes. */
function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/** Runs a compiler's tsc with --listFiles: whether it passed, and the files it read and its diagnostics. */
function typeCheck(compiler: string, tsconfig: string): { passed: boolean; output: string } {
  try {
    return { passed: true, output: execFileSync(process.execPath, [join(ROOT, 'node_modules', compiler, 'bin/tsc'), '-p', tsconfig, '--listFiles'], { cwd: project, encoding: 'utf8' }) };
  } catch (error) {
    return { passed: false, output: String((error as { stdout?: string }).stdout || error) };
  }
}

beforeAll(() => {
  project = installPackedLibrary('webgpu-nn-pack-');
  packageDir = join(project, 'node_modules/webgpu-nn');
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('the packed library', () => {
  it('ships the bundle, its declarations, README, CHANGELOG and docs/*.md, and nothing else', () => {
    const files = listFiles(packageDir);
    const shipped = files.filter((f) => !f.startsWith('dist/'));
    const inRepository = (name: string) => existsSync(join(ROOT, name));
    const docs = existsSync(join(ROOT, 'docs')) ? readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`) : [];
    const expected = ['package.json', ...['README.md', 'CHANGELOG.md', 'LICENSE'].filter(inRepository), ...docs].sort();
    expect(shipped).toEqual(expected);
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/index.d.ts', 'dist/core.js', 'dist/core.d.ts']));
    // The two entries share the library's modules (relative imports); nothing else is imported.
    const bundles = files.filter((f) => f.startsWith('dist/') && f.endsWith('.js')).map((f) => readFileSync(join(packageDir, f), 'utf8'));
    for (const code of bundles) expect(code).not.toMatch(/^\s*import\s[^'"]*['"](?!\.\.?\/)/m);
    expect(bundles.join('\n')).toContain('@compute');
  });

  it('depends only on @webgpu/types, which the declarations for TypeScript before 6 reference', () => {
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).toEqual(['@webgpu/types']);
    for (const entry of ['webgpu-types', 'core-webgpu-types']) {
      expect(readFileSync(join(packageDir, `dist/${entry}.d.ts`), 'utf8')).toMatch(/^\/\/\/ <reference types="@webgpu\/types"/m);
    }
  });

  it("resolves README's relative links in the repository, and those into docs/ (but its screenshots) in the package too", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // Inline links and images `[text](target "title")`, and reference definitions `[label]: target`.
    const targets = [...readme.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g), ...readme.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1]);
    const relativeLinks = targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t) && !t.startsWith('#')).map((t) => decodeURIComponent(t.replace(/[?#].*$/, '')));
    expect(relativeLinks.length).toBeGreaterThan(0);
    const missing = (dir: string, links: string[]) => links.filter((link) => !existsSync(join(dir, link)));
    expect(missing(ROOT, relativeLinks), 'README links missing from the repository').toEqual([]);
    // The documents ship; the screenshots (docs/images/) do not, and resolve in the repository only.
    const intoDocs = relativeLinks.filter((link) => normalize(link).startsWith('docs/') && !normalize(link).startsWith('docs/images/'));
    expect(missing(packageDir, intoDocs), 'README links into docs/ missing from the package').toEqual([]);
  });

  // TypeScript 5 has no WebGPU types of its own and reads @webgpu/types; TypeScript 7's DOM
  // library declares them, and @webgpu/types there would be a redeclaration.
  it.each([
    ['typescript5', /^Version 5\./, true],
    ['typescript', /^Version 7\./, false],
  ])('type-checks a strict consumer project (skipLibCheck false) with %s', (compiler, version, readsWebgpuTypes) => {
    expect(execFileSync(process.execPath, [join(ROOT, 'node_modules', compiler, 'bin/tsc'), '--version'], { encoding: 'utf8' })).toMatch(version);
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    // Every entry of the exports map is imported, so each entry's declarations are checked.
    const entries = Object.keys(pkg.exports).filter((entry) => entry !== './package.json');
    writeFileSync(
      join(project, 'main.ts'),
      `import { createContext, Sequential, Dense, ShapeError } from 'webgpu-nn';
      ${entries.map((entry, i) => `import * as entry${i} from '${join('webgpu-nn', entry)}';`).join('\n')}
      const ctx = await createContext({ backend: 'cpu' });
      const probs: Float32Array = await ctx.softmax(ctx.tensor([1, 2])).read();
      // @ts-expect-error: read() of a float32 tensor is a Float32Array, not a string
      const wrong: string = await ctx.softmax(ctx.tensor([1, 2])).read();
      const onDevice = (device: GPUDevice) => createContext({ device });
      const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
      console.log(probs, wrong, onDevice, model.summary(), ShapeError.name, ${entries.map((_, i) => `entry${i}`).join(', ')});
      `,
    );
    // A CommonJS module of the same project: require() of the package's ES module, as Node does.
    writeFileSync(
      join(project, 'legacy.cts'),
      `import nn = require('webgpu-nn');
      const error: typeof nn.ShapeError = nn.ShapeError;
      export const created: Promise<{ backend: string }> = nn.createContext({ backend: 'cpu' });
      console.log(error.name);
      `,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, skipLibCheck: false },
        files: ['main.ts', 'legacy.cts'],
      }),
    );
    // Types that failed to resolve would be `any`, and the @ts-expect-error above would then fail.
    const { passed, output } = typeCheck(compiler, join(project, 'tsconfig.json'));
    expect(output.split('\n').filter((line) => /error TS\d+/.test(line))).toEqual([]);
    expect(passed, output).toBe(true);
    expect(output).toContain(join(packageDir, 'dist/index.d.ts'));
    expect(output.includes(join('@webgpu/types', 'dist/index.d.ts'))).toBe(readsWebgpuTypes);
  });

  const script = (load: string) => `
    ${load}
    const ctx = await createContext({ backend: 'cpu' });
    const y = await ctx.softmax(ctx.tensor([[1000, 1000]])).read();
    console.log(JSON.stringify({ backend: ctx.backend, y: Array.from(y), ref: Array.from(cpu.softmax(new Float32Array([0, 0]), [2])), error: typeof ShapeError }));
  `;
  const expected = { backend: 'cpu', y: [0.5, 0.5], ref: [0.5, 0.5], error: 'function' };

  it('imports in Node and runs on the cpu backend', () => {
    const out = execFileSync('node', ['--input-type=module', '-e', script(`import { createContext, cpu, ShapeError } from 'webgpu-nn';`)], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(expected);
  });

  it('loads with require() in Node and runs on the cpu backend', () => {
    // A CommonJS script (no top-level await there: the body runs in an async function).
    const body = script(`const { createContext, cpu, ShapeError } = require('webgpu-nn');`);
    const out = execFileSync('node', ['--input-type=commonjs', '-e', `(async () => {${body}})().catch((e) => { console.error(e); process.exit(1); });`], {
      cwd: project,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(JSON.parse(out)).toEqual(expected);
    const version = execFileSync('node', ['--input-type=commonjs', '-e', `console.log(require('webgpu-nn/package.json').version)`], { cwd: project, encoding: 'utf8' });
    expect(version.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('imports in a browser page served as static files and runs on webgpu', async () => {
    writeFileSync(
      join(project, 'index.html'),
      `<!doctype html><link rel="icon" href="data:,"><script type="module">
        import { createContext } from './node_modules/webgpu-nn/dist/index.js';
        const ctx = await createContext();
        const y = await ctx.softmax(ctx.tensor([[1000, 1000], [0, -Infinity]])).read();
        window.result = { backend: ctx.backend, y: Array.from(y) };
      </script>`,
    );
    const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
    const server: Server = createServer((req, res) => {
      const path = normalize(join(project, decodeURIComponent(new URL(req.url!, 'http://x').pathname)));
      if (!path.startsWith(project)) return void res.writeHead(403).end();
      try {
        const body = readFileSync(path);
        res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const browser = await puppeteer.connect({ browserWSEndpoint: inject('wsEndpoint') });
    const page = await browser.newPage();
    try {
      const port = (server.address() as { port: number }).port;
      await page.goto(`http://127.0.0.1:${port}/index.html`);
      await page.waitForFunction('window.result !== undefined', { timeout: 60_000 });
      expect(await page.evaluate('window.result')).toEqual({ backend: 'webgpu', y: [0.5, 0.5, 1, 0] });
    } finally {
      await page.close();
      await browser.disconnect();
      server.close();
    }
  });
});
