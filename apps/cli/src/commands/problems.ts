/** `descent problems`: the problem zoo, with dimensions, known minima and descriptions. */
import { getProblem, listProblems } from '@descent/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { common, readSettings, withCommonOptions } from '../options/settings.js';
import { minOf } from '../report/extent.js';
import { renderTable } from '../report/table.js';

export function problemRows() {
  return listProblems().map((name) => {
    const p = getProblem(name);
    return {
      name,
      dim: p.dim,
      minimum: p.minima.length ? minOf(p.minima.map((m) => m.f)) : null,
      start: Array.from(p.x0),
      description: p.description ?? '',
    };
  });
}

export function registerProblems(program: Command): void {
  const cmd = program
    .command('problems')
    .description('list the problem zoo (names for --problem)')
    .addHelpText('after', '\nExample:\n  $ descent problems --json');
  withCommonOptions(cmd).action(() => {
    const s = readSettings(cmd, z.object(common));
    const rows = problemRows();
    if (s.json) {
      console.log(JSON.stringify(rows, null, 2));
      return;
    }
    console.log(
      renderTable(
        ['problem', 'dim', 'min f', 'description'],
        rows.map((r) => [r.name, r.dim, r.minimum, r.description]),
      ),
    );
    if (!s.quiet)
      console.log('n-dimensional problems take --dim N; any formula works with --expr "x^2 + 3*y^2".');
  });
}
