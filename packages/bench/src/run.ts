/**
 * `pnpm bench`: runs every suite in ./suites (or those named on the command line, e.g.
 * `pnpm bench gemm adam`), then prints the summary of ratios against their targets.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { allResults } from './harness.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'suites');
const wanted = process.argv.slice(2);
const suites = readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.includes(w)))
  .sort();

for (const file of suites) {
  console.log(`\n=== ${file.replace(/\.js$/, '')} ===`);
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { run: () => Promise<void> };
  await mod.run();
}

const rows = allResults().filter((r) => r.target !== undefined);
if (rows.length > 0) {
  console.log('\n=== targets ===');
  for (const r of rows) {
    console.log(
      `${r.met ? 'met   ' : 'MISSED'} ${r.case}: ${r.ours} vs ${r.peer} ${r.ratio.toFixed(2)}x (>= ${r.target}x)`,
    );
  }
}
