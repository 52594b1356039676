import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWritable, writeFileAtomic } from './output-file.js';

describe('output files', () => {
  it('are written whole, each write through a temporary name of its own, none left behind', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-out-'));
    const file = join(dir, 'out.txt');
    for (let i = 0; i < 50; i++) writeFileAtomic(file, `write ${i}\n`);
    expect(readFileSync(file, 'utf8')).toBe('write 49\n');
    expect(readdirSync(dir)).toEqual(['out.txt']);
  });

  it('are checked before any work: a missing directory, a parent that is a file, a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-out-'));
    writeFileSync(join(dir, 'f.txt'), 'x');
    mkdirSync(join(dir, 'folder'));
    expect(() => checkWritable(join(dir, 'no', 'm.json'), '--save')).toThrow(
      /^Cannot write --save .*no\/m\.json: the directory .*no does not exist$/,
    );
    expect(() => checkWritable(join(dir, 'f.txt', 'x.csv'), '--out')).toThrow(/f\.txt is not a directory$/);
    expect(() => checkWritable(join(dir, 'folder'), '--out')).toThrow(/folder: it is a directory$/);
    expect(() => checkWritable(join(dir, 'ok.csv'), '--out')).not.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['f.txt', 'folder']);
  });
});
