/**
 * The published package as a consumer gets it: `npm pack` (which builds dist/), unpacked into a
 * fresh project's node_modules/webgpu-nn, with its one dependency (@webgpu/types, types only)
 * linked from the repository's node_modules, so that no test reaches the registry.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

/** A new temporary project with the packed library installed; returns its directory. */
export function installPackedLibrary(prefix: string): string {
  const project = mkdtempSync(join(tmpdir(), prefix));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' });
  const tarball = join(project, packed.trim().split('\n').pop()!);
  const packageDir = join(project, 'node_modules/webgpu-nn');
  mkdirSync(packageDir, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', packageDir, '--strip-components=1']);
  mkdirSync(join(project, 'node_modules/@webgpu'));
  symlinkSync(join(ROOT, 'node_modules/@webgpu/types'), join(project, 'node_modules/@webgpu/types'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return project;
}
