/**
 * Every guide's code runs here, so the guides cannot rot: each ```ts block of docs/guide/*.md is
 * type-checked (strict) against the packages' published types and run, and every line it marks
 * `// → text` (exactly) or `// ≈ text` (to the last written digit) must print that (the rules are
 * @descent/readme-check's, the same as the package READMEs').
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as autograd from '@descent/autograd';
import * as core from '@descent/core';
import * as expression from '@descent/core/expression';
import * as kernels from '@descent/kernels';
import * as mlp from '@descent/mlp';
import { blocksOf, problemsOf, typeErrors } from '@descent/readme-check';
import * as regularizers from '@descent/regularizers';
import * as schedulers from '@descent/schedulers';
import { describe, expect, it } from 'vitest';

const modules: Record<string, unknown> = {
  '@descent/autograd': autograd,
  '@descent/core': core,
  '@descent/core/expression': expression,
  '@descent/kernels': kernels,
  '@descent/mlp': mlp,
  '@descent/regularizers': regularizers,
  '@descent/schedulers': schedulers,
};

const dir = new URL('../guide/', import.meta.url);
const guides = readdirSync(dir).filter((f) => f.endsWith('.md'));
const tsconfig = fileURLToPath(new URL('../tsconfig.json', import.meta.url));

describe('the guides', () => {
  it('are all here', () => {
    expect(guides.sort()).toEqual([
      'autograd.md',
      'choosing-an-optimizer.md',
      'concepts.md',
      'diagnosing-training.md',
      'from-pytorch.md',
      'from-tfjs.md',
      'getting-started.md',
      'regularization.md',
      'schedules.md',
    ]);
  });
});

for (const guide of guides) {
  const file = `guide/${guide}`;
  const blocks = blocksOf(readFileSync(new URL(guide, dir), 'utf8'));
  describe(file, () => {
    it('has code', () => {
      expect(blocks.length).toBeGreaterThan(0);
    });

    it('has code that type-checks (strict) against the published types', () => {
      expect(
        typeErrors(blocks, { tsconfig, dir: fileURLToPath(new URL('../test/', import.meta.url)), file }),
      ).toEqual([]);
    });

    for (const [i, block] of blocks.entries()) {
      it(`block ${i + 1} (line ${block.line}, "${block.heading}") prints what the guide says`, async () => {
        expect(await problemsOf(block, modules, file)).toEqual([]);
      });
    }
  });
}
