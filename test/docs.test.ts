/**
 * The documentation: it speaks of the project only, every export of the library is documented in
 * docs/api.md, and every relative link and every repository path in README.md and docs/ resolves.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..');

/** Wording that points outside the repository or at how the work on it was organised. */
const OUTSIDE_WORDING: RegExp[] = [
  /\bENVIRONMENT\.md\b/i,
  /\bDESIGN\.md\b/i,
  /\.scratch\//i,
  /\bwork[- ]orders?\b/i,
  /\bmeasurements file\b/i,
  /\bstretch(es)? of work\b/i,
  /\bissue\s*#?\d+/i,
  /\b(the|this|that|these|those|earlier|later|next|previous|an?) issues?'?s?\b/i,
  /\bissues?'s?\s+(targets?|aims?|bounds?|goals?)\b/i,
  /\b(this|that|each|every|previous|earlier|next|last|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth) session\b/i,
  /\bthe session's\b/i,
  /\bsessions? of work\b/i,
  /\blead engineer\b/i,
];

/** Where the rule applies: everything a user or contributor reads, and everything generated from it. */
const SCANNED = ['README.md', 'CHANGELOG.md', 'BENCHMARKS.md', 'docs', 'src', 'shaders', 'bench', 'scripts', 'examples', 'demo'];

function walk(path: string): string[] {
  const full = join(ROOT, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full).flatMap((name) => walk(join(path, name)));
}

function outsideWording(text: string): string[] {
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    for (const pattern of OUTSIDE_WORDING) {
      const m = line.match(pattern);
      if (m) found.push(`line ${i + 1}: "${m[0]}" in ${line.trim().slice(0, 120)}`);
    }
  });
  return found;
}

/** Markdown with fenced code blocks blanked out (their brackets are code, not links). */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, (block) => block.replace(/[^\n]/g, ' '));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = m[1].toLowerCase().replace(/[^\p{L}\p{N}\p{M}_\- ]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

describe('wording', () => {
  it('catches outside references and ignores ordinary prose', () => {
    const caught = [
      'measured in ENVIRONMENT.md',
      'see DESIGN.md for the style',
      'node .scratch/run2.mjs',
      'the targets of the work order',
      'a measurements file that is not here',
      'what one stretch of work changed',
      'the softmax derivatives (issue 3)',
      "1e-4 is the issue's bound",
      "Against the issues' targets in this run",
      'every op at every shape the issues list',
      "the session's final code",
      'Seventh session (2026-11-30, evening)',
      'pages of this session',
    ];
    for (const text of caught) expect(outsideWording(text), text).not.toEqual([]);
    const ordinary = [
      'per 4 rows the copy issues 8 gathers',
      'wall time of `session.run` on inputs already in GPU buffers',
      'scripts/browser-session.mjs starts one browser',
      'the performance targets within webgpu-nn',
    ];
    for (const text of ordinary) expect(outsideWording(text), text).toEqual([]);
  });

  it('README, docs/, sources, shaders, bench, scripts, examples and demo speak of the project only', () => {
    const files = SCANNED.flatMap(walk);
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((file) => outsideWording(readFileSync(join(ROOT, file), 'utf8')).map((hit) => `${file} ${hit}`));
    expect(hits).toEqual([]);
  });
});

describe('docs/api.md', () => {
  it('documents every export of src/index.ts as a heading or a code span', () => {
    const index = readFileSync(join(ROOT, 'src/index.ts'), 'utf8');
    const names = new Set<string>();
    for (const m of index.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
      for (const part of m[1].split(',')) {
        const name = part.trim().split(/\s+as\s+/).pop()!.trim();
        if (name) names.add(name);
      }
    }
    for (const m of index.matchAll(/export\s+\*\s+as\s+(\w+)/g)) names.add(m[1]);
    expect(names.size).toBeGreaterThan(40);
    expect(names).toContain('createContext');
    expect(names).toContain('cpu');

    const api = readFileSync(join(ROOT, 'docs/api.md'), 'utf8');
    const places = [...api.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => m[1]).concat([...prose(api).matchAll(/`([^`\n]+)`/g)].map((m) => m[1]));
    const undocumented = [...names].filter((name) => !places.some((place) => new RegExp(`(^|[^\\w$])${name}([^\\w$]|$)`).test(place)));
    expect(undocumented).toEqual([]);
  });
});

describe('links', () => {
  it('every relative link in README.md, CHANGELOG.md and docs/ resolves, anchors included', () => {
    const files = ['README.md', 'CHANGELOG.md', ...walk('docs').filter((f) => f.endsWith('.md'))];
    const broken: string[] = [];
    let checked = 0;
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1];
        if (/^[a-z]+:/i.test(target)) continue;
        checked++;
        const [path, anchor] = target.split('#');
        const resolved = path ? resolve(ROOT, dirname(file), path) : join(ROOT, file);
        if (!resolved.startsWith(ROOT) || !existsSync(resolved)) {
          broken.push(`${file}: ${target} (no such file ${relative(ROOT, resolved)})`);
        } else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(readFileSync(resolved, 'utf8')).has(anchor)) {
          broken.push(`${file}: ${target} (no heading with that anchor)`);
        }
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });

  it('every repository path in a code span of README.md, CHANGELOG.md and docs/ exists', () => {
    const files = ['README.md', 'CHANGELOG.md', ...walk('docs').filter((f) => f.endsWith('.md'))];
    const paths = files.flatMap((file) =>
      [...prose(readFileSync(join(ROOT, file), 'utf8')).matchAll(/`((?:src|shaders|test|bench|scripts|demo|examples)\/[\w./-]+)`/g)].map((m) => ({ file, path: m[1] })),
    );
    expect(paths.length).toBeGreaterThan(40);
    expect(paths.filter(({ path }) => !existsSync(join(ROOT, path))).map(({ file, path }) => `${file}: ${path}`)).toEqual([]);
  });

  it('README.md links only to docs/, CHANGELOG.md, BENCHMARKS.md and the screenshots in docs/images/', () => {
    const targets = [...prose(readFileSync(join(ROOT, 'README.md'), 'utf8')).matchAll(/\]\(([^)\s#]*)[^)\s]*\)/g)].map((m) => m[1]);
    expect(targets.length).toBeGreaterThan(5);
    const elsewhere = targets.filter((t) => t !== '' && !/^[a-z]+:/i.test(t) && !/^(docs\/[\w-]+\.md|docs\/images\/[\w-]+\.png|CHANGELOG\.md|BENCHMARKS\.md)$/.test(t));
    expect(elsewhere).toEqual([]);
  });
});
