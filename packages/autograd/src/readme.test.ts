/**
 * Runs every ```ts block of the README and checks what it prints, with @descent/readme-check's
 * rules: a block is transpiled (no type check) and run with `require` mapped to the modules below
 * (`@descent/autograd` is this package's source); a line
 *
 *   console.log(a, b); // → text     must print exactly `text`
 *   console.log(a, b); // ≈ text     must print `text` with every number within one unit of the
 *                                    last digit written (0.12 accepts 0.11..0.13, 3 accepts 2..4)
 *
 * (its last call counts, for lines in loops; a note after " — " is not checked). Every block must
 * check at least one line, so an example that stops printing what the README says fails here. The
 * blocks are also type-checked (strict, as the package) against this package's source and its
 * dependencies' types.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as core from '@descent/core';
import * as kernels from '@descent/kernels';
import { blocksOf, problemsOf, typeErrors } from '@descent/readme-check';
import * as schedulers from '@descent/schedulers';
import { describe, expect, it } from 'vitest';
import * as autograd from './index.js';

const modules: Record<string, unknown> = {
  '@descent/autograd': autograd,
  '@descent/core': core,
  '@descent/kernels': kernels,
  '@descent/schedulers': schedulers,
};
const blocks = blocksOf(readFileSync(new URL('../README.md', import.meta.url), 'utf8'));
const path = (file: string) => fileURLToPath(new URL(file, import.meta.url));

describe('README', () => {
  it('has runnable examples (the ten-line model, minimize, the spectrum and the reference sections)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it('has examples that type-check (strict) against the package and its dependencies', () => {
    expect(
      typeErrors(blocks, {
        tsconfig: path('../tsconfig.json'),
        paths: { '@descent/autograd': path('./index.ts') },
      }),
    ).toEqual([]);
  });

  for (const [i, block] of blocks.entries()) {
    it(`block ${i + 1} (line ${block.line}, "${block.heading}") prints what the README says`, async () => {
      expect(await problemsOf(block, modules)).toEqual([]);
    });
  }
});
