/**
 * `@descent/core` must not load mathjs; `@descent/core/expression` does. Checked on the built
 * package (dist/, which `pnpm test` builds first), the files an application actually imports:
 * statically, by walking every relative `import`/`export ... from` from an entry file, and at run
 * time, in a fresh Node process whose module resolver refuses 'mathjs'.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const packageJson = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
  exports: Record<string, { types: string; default: string }>;
};
const entry = (subpath: string) => join(packageRoot, packageJson.exports[subpath].default);

/** Module specifiers of static imports and re-exports (`import x from 'm'`, `import 'm'`, `export * from 'm'`). */
const staticSpecifier = /(?:^|[;\s])(?:import|export)\s*(?:[\w$*{}\s,]*?\s*from\s*)?['"]([^'"]+)['"]/g;

/** Every bare specifier (a package, not a relative file) reached from `file` by static imports. */
function packagesReachedFrom(file: string): { packages: Set<string>; modules: number } {
  const packages = new Set<string>();
  const seen = new Set<string>();
  const pending = [resolve(file)];
  while (pending.length > 0) {
    const current = pending.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    const source = readFileSync(current, 'utf8');
    for (const [, specifier] of source.matchAll(staticSpecifier)) {
      if (specifier.startsWith('.')) pending.push(resolve(dirname(current), specifier));
      else packages.add(specifier);
    }
  }
  return { packages, modules: seen.size };
}

const isMathjs = (specifier: string) => specifier === 'mathjs' || specifier.startsWith('mathjs/');

/**
 * Imports `file` in a new Node process whose resolver throws on 'mathjs' (an Error of its own, or,
 * with `asNode`, the error Node throws for a package that is not installed); resolves to its stderr.
 */
async function importRefusingMathjs(file: string, asNode = false): Promise<{ ok: boolean; stderr: string }> {
  const refuse = asNode
    ? `Object.assign(new Error("Cannot find package 'mathjs' imported from " + c.parentURL), { code: 'ERR_MODULE_NOT_FOUND' })`
    : `new Error('mathjs imported by ' + c.parentURL)`;
  const hooks = `export async function resolve(s, c, next) {
    if (s === 'mathjs' || s.startsWith('mathjs/')) throw ${refuse};
    return next(s, c);
  }`;
  const setup = `import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`;
  const args = [
    '--import',
    `data:text/javascript,${encodeURIComponent(setup)}`,
    '--input-type=module',
    '-e',
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
  ];
  try {
    const { stderr } = await promisify(execFile)(process.execPath, args, { cwd: packageRoot });
    return { ok: true, stderr };
  } catch (e) {
    return { ok: false, stderr: (e as { stderr: string }).stderr };
  }
}

describe('the entry points', () => {
  it('are built (run `pnpm build` in packages/core first)', () => {
    expect(existsSync(entry('.')), entry('.')).toBe(true);
    expect(existsSync(entry('./expression')), entry('./expression')).toBe(true);
  });

  it('@descent/core reaches no mathjs module through its static imports, only @descent/kernels', () => {
    const { packages, modules } = packagesReachedFrom(entry('.'));
    // the walk did follow the re-exports: the optimizers, minimize, analysis, problems...
    expect(modules).toBeGreaterThan(30);
    expect([...packages].filter(isMathjs)).toEqual([]);
    expect([...packages].sort()).toEqual(['@descent/kernels']);
  });

  it('@descent/core/expression does reach mathjs through the same walk (the check can fail)', () => {
    const { packages } = packagesReachedFrom(entry('./expression'));
    expect([...packages].filter(isMathjs)).toEqual(['mathjs']);
  });

  it('@descent/core imports in a Node process that refuses mathjs; @descent/core/expression does not', async () => {
    const [core, expression] = await Promise.all([
      importRefusingMathjs(entry('.')),
      importRefusingMathjs(entry('./expression')),
    ]);
    expect(core).toEqual({ ok: true, stderr: '' });
    expect(expression.ok).toBe(false);
    expect(expression.stderr).toContain('mathjs imported by');
    expect(expression.stderr).toContain('problems/expression.js');
  });

  it('in Node, @descent/core/expression without mathjs says to install it (mathjs is an optional peer)', async () => {
    const nodeEntry = join(packageRoot, 'dist/expression-node.js');
    const exportsEntry = packageJson.exports['./expression'] as unknown as { node: { import: string } };
    expect(join(packageRoot, exportsEntry.node.import)).toBe(nodeEntry);
    const missing = await importRefusingMathjs(nodeEntry, true);
    expect(missing.ok).toBe(false);
    expect(missing.stderr).toContain(
      '@descent/core/expression needs mathjs, an optional peer dependency of @descent/core',
    );
    expect(missing.stderr).toContain('npm install mathjs');
    // any other failure inside mathjs is passed on as it is, not called "missing"
    const other = await importRefusingMathjs(nodeEntry, false);
    expect(other.stderr).toContain('mathjs imported by');
    expect(other.stderr).not.toContain('npm install mathjs');
  });

  it('the Node entry gives the same fromExpression as the plain one', async () => {
    const [plain, viaNode] = await Promise.all([
      import(pathToFileURL(entry('./expression')).href),
      import(pathToFileURL(join(packageRoot, 'dist/expression-node.js')).href),
    ]);
    expect(viaNode.fromExpression).toBe(plain.fromExpression);
    expect(Object.keys(viaNode).sort()).toEqual(Object.keys(plain).sort());
  });

  it('@descent/core/expression gives fromExpression, with its symbolic gradient and Hessian', async () => {
    const { fromExpression } = (await import(
      pathToFileURL(entry('./expression')).href
    )) as typeof import('./expression.js');
    const p = fromExpression('x^2 * y - y^3 / 3');
    expect(p.variables).toEqual(['x', 'y']);
    // f = x²y - y³/3: ∇f = (2xy, x² - y²), H = [[2y, 2x], [2x, -2y]]
    const x = new Float64Array([1.5, -2]);
    expect(p.f(x)).toBeCloseTo(1.5 ** 2 * -2 - (-2) ** 3 / 3, 12);
    expect(Array.from(p.grad(x, new Float64Array(2)))).toEqual([2 * 1.5 * -2, 1.5 ** 2 - 4]);
    expect(Array.from(p.hessian!(x, new Float64Array(4)))).toEqual([-4, 3, 3, 4]);
  });

  it('@descent/core no longer exports fromExpression (it lives in @descent/core/expression)', async () => {
    const core = (await import(pathToFileURL(entry('.')).href)) as Record<string, unknown>;
    expect(core.fromExpression).toBeUndefined();
    expect(typeof core.getProblem).toBe('function');
  });
});
