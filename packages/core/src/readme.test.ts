/**
 * Runs every ```ts / ```js block of the README and checks what it prints (`// → text` exactly,
 * `// ≈ text` to the last written digit), and type-checks the ts blocks against this package's
 * source: the rules are @descent/readme-check's.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as kernels from '@descent/kernels';
import { blocksOf, problemsOf, typeErrors } from '@descent/readme-check';
import { describe, expect, it } from 'vitest';
import * as expression from './expression.js';
import * as core from './index.js';

const modules: Record<string, unknown> = {
  '@descent/core': core,
  '@descent/core/expression': expression,
  '@descent/kernels': kernels,
};
const blocks = blocksOf(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));
const path = (file: string) => fileURLToPath(new URL(file, import.meta.url));

describe('README', () => {
  it('has runnable examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  it('has examples that type-check (strict) against the package and its dependencies', () => {
    expect(
      typeErrors(blocks, {
        tsconfig: path('../tsconfig.json'),
        paths: { '@descent/core': path('./index.ts'), '@descent/core/expression': path('./expression.ts') },
      }),
    ).toEqual([]);
  });

  for (const [i, block] of blocks.entries()) {
    it(`block ${i + 1} (line ${block.line}, "${block.heading}") prints what the README says`, async () => {
      expect(await problemsOf(block, modules)).toEqual([]);
    });
  }
});
