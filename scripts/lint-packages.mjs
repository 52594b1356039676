// `pnpm lint`'s package check: every public package of the workspace, as it would be published,
// through publint --strict (package.json against the packed files) and attw --pack (are the types
// wrong: every entry point's types under node10, node16 from CJS and ESM, bundler).
// attw's one allowed finding is cjs-resolves-to-esm: the packages are ES modules only, which a
// require() loads on Node ^20.19 || >=22.12 (the engines floor) and TypeScript >= 5.8 accepts under
// "module": "nodenext"; the pack smoke test (packages/smoke) checks both for real.
// Needs the packages built (`pnpm lint` builds them first; turbo's cache makes that quick).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const dirs = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .filter((dir) => !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private);

const failed = [];
for (const dir of dirs) {
  const checks = [
    [bin('publint'), ['--strict', '--pack', 'pnpm']],
    [bin('attw'), ['--pack', '.', '--ignore-rules', 'cjs-resolves-to-esm', '--format', 'table-flipped']],
  ];
  for (const [command, args] of checks) {
    const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8' });
    const name = `${relative(root, command).split('/').at(-1)} ${relative(root, dir)}`;
    if (r.status === 0) {
      console.log(`ok   ${name}`);
    } else {
      failed.push(name);
      console.log(`FAIL ${name}\n${r.stdout}${r.stderr}`);
    }
  }
}
if (failed.length > 0) {
  console.error(`\n${failed.length} package check(s) failed: ${failed.join(', ')}`);
  process.exit(1);
}
console.log(`publint --strict and attw --pack: ${dirs.length} packages clean`);
