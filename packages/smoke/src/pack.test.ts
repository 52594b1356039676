/**
 * The packages as npm users get them. `pnpm pack` every public package of the workspace (pnpm turns
 * `workspace:*` into versions), then `npm install` the tarballs into a project in the system's temp
 * directory, outside the workspace, and use them from there:
 *   (a) a Node ESM script trains the digits MLP with AdamW + cosine annealing, minimizes
 *       Rosenbrock with L-BFGS and runs a gemm on the kernels' worker threads (then exits by
 *       itself); a CommonJS script require()s core and core/expression;
 *   (b) a TypeScript consumer type-checks (skipLibCheck off) under moduleResolution node16,
 *       nodenext, bundler and node10;
 *   (c) a plain `vite build` of a tiny page using @descent/core runs in headless Chromium with no
 *       console errors;
 *   (d) a second project with core but without mathjs gets the error naming `npm install mathjs`.
 * Every module Node loads is logged by a resolve hook and must lie in the temp project: nothing may
 * resolve into the workspace. npm reaches the registry for the third-party dependencies (mathjs,
 * commander, vega, ...); without it the test fails, loudly. DESCENT_SMOKE_KEEP=1 keeps the temp
 * directory for a look.
 */
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// the browser tests' Chromium discovery (a test helper of the demo page, used here as a tool)
import { withPage } from './chromium-page.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const workspace = realpathSync(join(here, '../../..'));
const consumerFiles = join(here, '../consumer');

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
}

/** Every public (not private) package of the workspace: packages/* and apps/*. */
function publicPackages(): { dir: string; manifest: Manifest }[] {
  const found: { dir: string; manifest: Manifest }[] = [];
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(workspace, group))) {
      const file = join(workspace, group, name, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
      if (!manifest.private) found.push({ dir: join(workspace, group, name), manifest });
    }
  }
  return found.sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

/** The environment for npm and node: ours without what pnpm/turbo set for their own scripts. */
function cleanEnv(): NodeJS.ProcessEnv {
  const keep = new Set([
    'npm_config_registry',
    'npm_config_cafile',
    'npm_config_cache',
    'npm_config_userconfig',
  ]);
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|INIT_CWD$|TURBO_|NODE_OPTIONS$|VITEST|NODE_ENV$)/.test(k) && !keep.has(k)) continue;
    env[k] = v;
  }
  return env;
}

async function sh(file: string, args: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, args, { cwd, env: cleanEnv(), maxBuffer: 64 << 20 });
  } catch (e) {
    const { stdout, stderr } = e as { stdout?: string; stderr?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${cwd}:\n${stderr ?? ''}\n${stdout ?? ''}`);
  }
}

/** A resolve hook that appends every URL Node resolves to `log`, one a line. */
function resolveLogger(log: string): string {
  const hooks = `import { appendFileSync } from 'node:fs';
    export async function resolve(s, c, next) {
      const r = await next(s, c);
      appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
      return r;
    }`;
  const setup = `import { register } from 'node:module';
    register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hooks)}));`;
  return `data:text/javascript,${encodeURIComponent(setup)}`;
}

/** Runs `node script` in `cwd` logging resolutions; returns stdout and the file paths resolved. */
async function node(
  cwd: string,
  script: string,
): Promise<{ stdout: string; stderr: string; files: string[] }> {
  const log = join(cwd, `${script}.resolved.txt`);
  rmSync(log, { force: true });
  const out = await sh(process.execPath, ['--import', resolveLogger(log), script], cwd);
  const files = readFileSync(log, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith('file:'))
    .map((u) => fileURLToPath(u));
  return { ...out, files };
}

/** Every file under `dir` (following no symlinks). */
function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

const inside = (root: string, path: string) => path === root || path.startsWith(root + sep);

const packages = publicPackages();
let root: string;
let app: string;
let bare: string;

beforeAll(async () => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'descent-smoke-')));
  if (inside(workspace, root)) throw new Error(`temp directory ${root} is inside the workspace ${workspace}`);
  const tarballs = join(root, 'tarballs');
  mkdirSync(tarballs);
  const tgz = new Map<string, string>();
  for (const { dir, manifest } of packages) {
    await sh('pnpm', ['pack', '--pack-destination', tarballs], dir);
    const file = `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`;
    if (!existsSync(join(tarballs, file))) throw new Error(`pnpm pack in ${dir} did not write ${file}`);
    tgz.set(manifest.name, file);
  }

  /** A project whose dependencies are the given tarballs (overrides pin them for the transitive edges too). */
  const project = (dir: string, names: string[], extra: Record<string, string>) => {
    mkdirSync(dir);
    const deps = Object.fromEntries(names.map((n) => [n, `file:../tarballs/${tgz.get(n)}`]));
    const overrides = Object.fromEntries(names.map((n) => [n, `$${n}`]));
    const manifest = {
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: { ...deps, ...extra },
      overrides,
    };
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  };
  app = join(root, 'app');
  bare = join(root, 'no-mathjs');
  project(app, [...tgz.keys()], { typescript: '5.9.3', vite: '^8.0.0' });
  project(bare, ['@descent/kernels', '@descent/core'], {});
  cpSync(consumerFiles, app, { recursive: true });

  const npmInstall = ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefer-offline'];
  await Promise.all([sh('npm', npmInstall, app), sh('npm', npmInstall, bare)]);
}, 300_000);

afterAll(() => {
  if (root && !process.env.DESCENT_SMOKE_KEEP) rmSync(root, { recursive: true, force: true });
  else if (root) console.log(`smoke project kept in ${root}`);
});

describe('the packed packages, installed with npm outside the workspace', () => {
  it('are the seven public packages', () => {
    expect(packages.map((p) => p.manifest.name)).toEqual([
      '@descent/autograd',
      '@descent/cli',
      '@descent/core',
      '@descent/kernels',
      '@descent/mlp',
      '@descent/regularizers',
      '@descent/schedulers',
    ]);
  });

  it('are real directories in the project (not links), resolved from the tarballs in package-lock.json', () => {
    const lock = JSON.parse(readFileSync(join(app, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string; link?: boolean }>;
    };
    for (const { manifest } of packages) {
      const dir = join(app, 'node_modules', manifest.name);
      expect(lstatSync(dir).isSymbolicLink(), dir).toBe(false);
      expect(inside(app, realpathSync(dir))).toBe(true);
      const entry = lock.packages[`node_modules/${manifest.name}`];
      expect(entry.link, manifest.name).toBeUndefined();
      expect(entry.resolved, manifest.name).toMatch(
        /^file:\.\.\/tarballs\/descent-[a-z]+-\d+\.\d+\.\d+\.tgz$/,
      );
    }
    // no @descent package was installed twice (nested copies would mean a version mismatch)
    const nested = Object.keys(lock.packages).filter((k) =>
      /node_modules\/.+node_modules\/@descent\//.test(k),
    );
    expect(nested).toEqual([]);
  });

  it('ship dist/ and the README: no source maps, no tests, no build/ directory, no data typed as literals', () => {
    for (const { manifest } of packages) {
      const dir = join(app, 'node_modules', manifest.name);
      const files = walk(dir).map((f) => relative(dir, f));
      expect(
        files.filter((f) => f.endsWith('.map')),
        manifest.name,
      ).toEqual([]);
      expect(
        files.filter((f) => /\.test\.|test-support/.test(f)),
        manifest.name,
      ).toEqual([]);
      expect(
        files.filter((f) => !/^(dist\/|README\.md$|package\.json$|LICENSE)/.test(f)),
        manifest.name,
      ).toEqual([]);
      // the embedded wasm (kernels) and CSVs (mlp) are declared `string`: every .d.ts stays small
      const big = files.filter((f) => f.endsWith('.d.ts') && statSync(join(dir, f)).size > 50_000);
      expect(big, manifest.name).toEqual([]);
    }
  });

  it('train the digits MLP with AdamW + cosine and minimize Rosenbrock with L-BFGS, in a Node ESM script', async () => {
    const { stdout, files } = await node(app, 'train.mjs');
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      losses: number[];
      lrs: number[];
      test: { loss: number; accuracy: number };
      rosenbrock: { x: number[]; fun: number; converged: boolean };
      threads: { workers: boolean; same: boolean };
    };
    // the training loss falls epoch after epoch, and the network generalizes (10 classes: chance is 0.1)
    for (let i = 1; i < out.losses.length; i++) expect(out.losses[i]).toBeLessThan(out.losses[i - 1]);
    expect(out.test.accuracy).toBeGreaterThan(0.85);
    // cosine annealing over TMax = 4 epochs: lr_e = 3e-3 (1 + cos(pi e / 4)) / 2
    for (const [e, lr] of out.lrs.entries()) {
      expect(lr).toBeCloseTo((3e-3 * (1 + Math.cos((Math.PI * e) / 4))) / 2, 12);
    }
    // Rosenbrock's minimum is (1, 1) with f = 0
    expect(out.rosenbrock.converged).toBe(true);
    expect(out.rosenbrock.x[0]).toBeCloseTo(1, 4);
    expect(out.rosenbrock.x[1]).toBeCloseTo(1, 4);
    expect(out.rosenbrock.fun).toBeLessThan(1e-8);
    // the kernels' worker pool ran from the tarball, with the same bits as one thread
    expect(out.threads).toEqual({ workers: true, same: true });
    // every module Node loaded lies in the temp project: nothing resolved into the workspace
    expect(files.length).toBeGreaterThan(50);
    expect(files.filter((f) => !inside(app, f))).toEqual([]);
    for (const name of ['@descent/core', '@descent/mlp', '@descent/schedulers', '@descent/kernels']) {
      expect(
        files.some((f) => inside(join(app, 'node_modules', name), f)),
        name,
      ).toBe(true);
    }
  });

  it('load in CommonJS with require(): core, and core/expression with mathjs', async () => {
    // (the resolve hook does not see require(): the script prints require.resolve's answers itself)
    const { stdout } = await sh(process.execPath, ['require.cjs'], app);
    const out = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      kind: string;
      eigenvalues: number[];
      resolved: string[];
    };
    // x^2 - y^2 at (0, 0): Hessian diag(2, -2), a saddle
    expect(out.kind).toBe('saddle');
    expect(out.eigenvalues).toEqual([-2, 2]);
    expect(out.resolved.map((f) => relative(app, f))).toEqual([
      'node_modules/@descent/core/dist/index.js',
      'node_modules/@descent/core/dist/expression.js',
      'node_modules/@descent/kernels/dist/index.js',
    ]);
  });

  for (const resolution of ['node16', 'nodenext', 'bundler', 'node10'] as const) {
    // concurrent: four independent tsc runs
    it.concurrent(`type-check a TypeScript consumer under moduleResolution ${resolution}, skipLibCheck off`, async () => {
      const module = { node16: 'node16', nodenext: 'nodenext', bundler: 'esnext', node10: 'commonjs' }[
        resolution
      ];
      const include = resolution === 'nodenext' ? ['consumer.ts', 'require-types.cts'] : ['consumer.ts'];
      const tsconfig = {
        compilerOptions: {
          module,
          moduleResolution: resolution,
          target: 'ES2022',
          lib: ['ES2022', 'DOM'],
          types: [],
          strict: true,
          skipLibCheck: false,
          noEmit: true,
          listFiles: true,
        },
        include,
      };
      writeFileSync(join(app, `tsconfig.${resolution}.json`), JSON.stringify(tsconfig, null, 2));
      const tsc = join(app, 'node_modules/typescript/bin/tsc');
      const { stdout } = await sh(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], app);
      const listed = stdout.split('\n').filter((l) => l.startsWith('/'));
      // the declarations came from the installed tarballs, nothing from the workspace
      expect(listed.filter((f) => !inside(app, f))).toEqual([]);
      for (const d of ['core/dist/index.d.ts', 'core/dist/expression.d.ts', 'mlp/dist/index.d.ts']) {
        expect(listed, d).toContain(join(app, 'node_modules/@descent', d));
      }
    });
  }

  it('build with a plain `vite build` into a page that computes in headless Chromium, no console errors', async () => {
    const page = join(app, 'page');
    await sh(
      process.execPath,
      [join(app, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'],
      page,
    );
    const dist = join(page, 'dist');
    const bundle = walk(dist)
      .filter((f) => f.endsWith('.js'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(bundle).not.toContain(workspace);
    const types: Record<string, string> = {
      '.html': 'text/html',
      '.js': 'text/javascript',
      '.css': 'text/css',
    };
    const server = createServer((req, res) => {
      const file = join(dist, req.url === '/' ? 'index.html' : (req.url ?? '').split('?')[0]);
      if (!inside(dist, file) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      res.end(readFileSync(file));
    });
    await withPage(server, async (tab, url, errors) => {
      await tab.goto(url);
      const result = tab.locator('#result');
      await result.filter({ hasText: 'converged' }).waitFor();
      const out = JSON.parse((await result.textContent()) ?? '') as { x: number[]; converged: boolean };
      expect(out.converged).toBe(true);
      expect(out.x[0]).toBeCloseTo(1, 4);
      expect(out.x[1]).toBeCloseTo(1, 4);
      expect(errors).toEqual([]);
    });
  });

  it('without mathjs, @descent/core loads and @descent/core/expression names the command to install it', async () => {
    expect(existsSync(join(bare, 'node_modules/mathjs'))).toBe(false);
    writeFileSync(
      join(bare, 'core.mjs'),
      "const { rosenbrock } = await import('@descent/core');\nconsole.log(rosenbrock(2).dim);\n",
    );
    expect((await node(bare, 'core.mjs')).stdout.trim()).toBe('2');
    writeFileSync(join(bare, 'expression.mjs'), "await import('@descent/core/expression');\n");
    const failed = await sh(process.execPath, ['expression.mjs'], bare).then(
      () => '',
      (e: Error) => e.message,
    );
    expect(failed).toContain(
      '@descent/core/expression needs mathjs, an optional peer dependency of @descent/core',
    );
    expect(failed).toContain('npm install mathjs');
  });

  it('give the CLI as a working `descent` command', async () => {
    const bin = join(app, 'node_modules/.bin/descent');
    const { stdout } = await sh(bin, ['analyze', '--expr', 'x^2 - y^2', '--at', '0,0'], app);
    expect(stdout).toContain('saddle');
    expect(pathToFileURL(realpathSync(bin)).href).toContain(pathToFileURL(app).href);
  });
});
