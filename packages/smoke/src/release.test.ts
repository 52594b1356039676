/**
 * A release dry run: `changeset version` on a copy of the repository (the files git tracks, in the
 * system's temp directory) must consume every pending changeset, bump each public package it names,
 * write a CHANGELOG.md per bumped package holding that changeset's summary, and leave private packages
 * alone. The pack test beside this file covers the other half of a release (what `npm publish` ships).
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const workspace = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const copy = mkdtempSync(join(tmpdir(), 'descent-release-'));
afterAll(() => rmSync(copy, { recursive: true, force: true }));

interface Pending {
  file: string;
  bumps: Map<string, string>;
  summary: string;
}

/** The pending changesets: front matter `"@descent/x": minor` lines, then the summary. */
function pendingChangesets(dir: string): Pending[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'README.md')
    .map((file) => {
      const text = readFileSync(join(dir, file), 'utf8');
      const [, front = '', body = ''] = text.split(/^---\s*$/m);
      const bumps = new Map<string, string>();
      for (const m of front.matchAll(/"(@descent\/[\w-]+)":\s*(major|minor|patch)/g)) bumps.set(m[1], m[2]);
      return { file, bumps, summary: body.trim() };
    });
}

describe('release dry run', () => {
  it('changeset version consumes every changeset, bumps what they name and writes the changelogs', async () => {
    const { stdout } = await run('git', ['ls-files', '-z'], { cwd: workspace, maxBuffer: 64 << 20 });
    for (const f of stdout.split('\0').filter(Boolean)) {
      if (!existsSync(join(workspace, f))) continue; // deleted in the working tree
      mkdirSync(dirname(join(copy, f)), { recursive: true });
      cpSync(join(workspace, f), join(copy, f));
    }
    symlinkSync(join(workspace, 'node_modules'), join(copy, 'node_modules'));
    const pending = pendingChangesets(join(copy, '.changeset'));
    expect(pending.length).toBeGreaterThan(0);
    const manifestOf = (dir: string) => JSON.parse(readFileSync(join(copy, dir, 'package.json'), 'utf8'));
    const dirs = ['packages', 'apps'].flatMap((g) =>
      readdirSync(join(copy, g))
        .filter((d) => existsSync(join(copy, g, d, 'package.json')))
        .map((d) => `${g}/${d}`),
    );
    const before = new Map(dirs.map((d) => [d, manifestOf(d)]));

    const bin = join(workspace, 'node_modules', '.bin', 'changeset');
    await run(bin, ['version'], { cwd: copy, env: { ...process.env, CI: 'true' } });

    expect(pendingChangesets(join(copy, '.changeset'))).toEqual([]);
    for (const d of dirs) {
      const old = before.get(d);
      const now = manifestOf(d);
      const named = pending.filter((p) => p.bumps.has(old.name));
      if (old.private) {
        expect(now.version, `${old.name} is private`).toBe(old.version);
        continue;
      }
      if (named.length === 0) continue;
      expect(now.version, `${old.name} was bumped`).not.toBe(old.version);
      const changelog = readFileSync(join(copy, d, 'CHANGELOG.md'), 'utf8');
      expect(changelog).toContain(`## ${now.version}`);
      for (const p of named) {
        const firstLine = p.summary.split('\n')[0].trim();
        expect(changelog, `${p.file} in ${old.name}'s changelog`).toContain(firstLine);
      }
    }
  }, 120_000);
});
