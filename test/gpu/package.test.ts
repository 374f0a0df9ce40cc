/**
 * The published package: `npm pack` (which builds dist/), install the tarball into a fresh
 * project, then import it from Node (cpu backend) and from a page served as static files
 * (webgpu backend, in the shared headless Chromium).
 */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import puppeteer from 'puppeteer';
import { installPackedLibrary, ROOT } from '../util/pack';

let project: string;

beforeAll(() => {
  project = installPackedLibrary('webgpu-nn-pack-');
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

describe('the packed library', () => {
  it('ships an ESM bundle without bare imports, and type declarations', () => {
    const dir = join(project, 'node_modules/webgpu-nn');
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    // The two entries share chunks of their own (relative imports); nothing else is imported.
    const files = readdirSync(join(dir, 'dist')).filter((f) => f.endsWith('.js'));
    for (const file of files) expect(readFileSync(join(dir, 'dist', file), 'utf8')).not.toMatch(/^\s*import\s[^'"]*['"](?!\.\/)/m);
    expect(files.map((f) => readFileSync(join(dir, 'dist', f), 'utf8')).join('\n')).toContain('@compute');
    expect(readdirSync(join(dir, 'dist'))).toContain('index.d.ts');
  });

  it('type-checks for a TypeScript consumer with nodenext resolution', () => {
    writeFileSync(
      join(project, 'main.ts'),
      `import { createContext, Sequential, Dense, ShapeError } from 'webgpu-nn';
      const ctx = await createContext({ backend: 'cpu' });
      const probs: Float32Array = await ctx.softmax(ctx.tensor([1, 2])).read();
      // @ts-expect-error: read() of a float32 tensor is a Float32Array, not a string
      const wrong: string = await ctx.softmax(ctx.tensor([1, 2])).read();
      const model = new Sequential([new Dense({ units: 1, inputShape: [2] })]);
      console.log(probs, wrong, model.summary(), ShapeError.name);
      `,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, skipLibCheck: true }, files: ['main.ts'] }),
    );
    // The repository's own tsc, resolving 'webgpu-nn' from the consumer's node_modules: types
    // that failed to resolve would be `any`, and the @ts-expect-error above would then fail.
    let output = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(project, 'tsconfig.json')], { cwd: project, encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });

  it('imports in Node and runs on the cpu backend', () => {
    const script = `
      import { createContext, cpu, ShapeError } from 'webgpu-nn';
      const ctx = await createContext({ backend: 'cpu' });
      const y = await ctx.softmax(ctx.tensor([[1000, 1000]])).read();
      console.log(JSON.stringify({ backend: ctx.backend, y: Array.from(y), ref: Array.from(cpu.softmax(new Float32Array([0, 0]), [2])), error: typeof ShapeError }));
    `;
    const out = execFileSync('node', ['--input-type=module', '-e', script], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ backend: 'cpu', y: [0.5, 0.5], ref: [0.5, 0.5], error: 'function' });
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
