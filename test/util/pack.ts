/** The published package as a consumer gets it: `npm pack` (which builds dist/), installed into a fresh project. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');

/** A new temporary project with the packed tarball installed; returns its directory. */
export function installPackedLibrary(prefix: string): string {
  const project = mkdtempSync(join(tmpdir(), prefix));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' });
  const tarball = packed.trim().split('\n').pop()!;
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent', join(project, tarball)], { cwd: project, stdio: 'inherit' });
  return project;
}
