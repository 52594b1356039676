/**
 * Runs every ```ts / ```js block of the README and checks what it prints (`// → text` exactly,
 * `// ≈ text` to the last written digit), and type-checks the ts blocks against this package's
 * source: the rules are @descent/readme-check's.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@descent/core';
import * as kernels from '@descent/kernels';
import { blocksOf, problemsOf, typeErrors } from '@descent/readme-check';
import * as regularizers from '@descent/regularizers';
import * as schedulers from '@descent/schedulers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mlp from './index.js';

const modules: Record<string, unknown> = {
  '@descent/core': core,
  '@descent/kernels': kernels,
  '@descent/mlp': mlp,
  '@descent/regularizers': regularizers,
  '@descent/schedulers': schedulers,
};
const blocks = blocksOf(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));
const path = (file: string) => fileURLToPath(new URL(file, import.meta.url));

describe('README', () => {
  // The examples save checkpoints under relative names: run them in a scratch directory.
  const home = process.cwd();
  const scratch = mkdtempSync(join(tmpdir(), 'descent-mlp-readme-'));
  beforeAll(() => process.chdir(scratch));
  afterAll(() => {
    process.chdir(home);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  it('has examples that type-check (strict) against the package and its dependencies', () => {
    expect(
      typeErrors(blocks, {
        tsconfig: path('../tsconfig.json'),
        paths: { '@descent/mlp': path('./index.ts') },
      }),
    ).toEqual([]);
  });

  for (const [i, block] of blocks.entries()) {
    it(`block ${i + 1} (line ${block.line}, "${block.heading}") prints what the README says`, async () => {
      expect(await problemsOf(block, modules)).toEqual([]);
    });
  }
});
