/**
 * sgemm on threads in headless Chromium (issue 19): TF.js-wasm with its own threads against
 * @descent/kernels' gemm, in the same browser, on a page made crossOriginIsolated by a tiny static
 * server that sends COOP/COEP. A benchmark, not a test (CI does not run it):
 *
 *   pnpm --filter @descent/bench build
 *   pnpm --filter @descent/bench bench:browser            # n = 1024
 *   node packages/bench/dist/browser-threads.js 512 1024  # other sizes
 *
 * Chromium: DESCENT_CHROMIUM, CHROMIUM_PATH or CHROME_PATH, else /usr/bin/chromium,
 * /usr/bin/chromium-browser, /usr/bin/google-chrome (Debian: `apt-get install -y chromium`).
 *
 * Sides, each a fresh page load (TF.js's backend and thread count are fixed per page; ours on 1
 * then 2 threads share a page), ROUNDS rounds in turn, each side's fastest median kept (a median of
 * at least 7 calls and 0.4 s, after 0.5 s of warm-up):
 *   - TF.js-wasm, setThreadsCount(1);
 *   - TF.js-wasm as shipped, setThreadsCount(2): its pool has min(2, hardwareConcurrency / 2)
 *     threads (backend.cc assumes two hyperthreads per core), so 1 on a 2-core machine;
 *   - TF.js-wasm, setThreadsCount(2) with navigator.hardwareConcurrency reported as twice the
 *     real count before TF.js starts: its threaded-simd build and XNNPACK pool on 2 threads;
 *   - ours, setThreads(1) then setThreads(2) (plain SIMD), and the relaxed-SIMD build
 *     (loadRelaxedSimd) on 2 threads.
 * Every side's C = A B is checked against a naive f64 product on 64 entries (relative error
 * <= 1e-5) and every thread count is read back (TF.js's getThreadsCount(), our backendInfo()).
 * Printed: GFLOP/s of each side, the cores the browser obtained while it ran (CPU time of all its
 * processes over wall time, from /proc, Linux only: on a shared machine a 2-thread side is only
 * faster if it gets more than one core), and the ratios (peer time / our time).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import type { oursSetup, tfjsSetup } from './browser-threads-page.js';

const ROUNDS = 3;
const require = createRequire(import.meta.url);
const here = dirname(fileURLToPath(import.meta.url));

/** URL prefix -> directory served under it. */
const roots: Record<string, string> = {
  '/bench/': here,
  '/kernels/': dirname(fileURLToPath(import.meta.resolve('@descent/kernels'))),
  '/tfjs-core/': join(dirname(require.resolve('@tensorflow/tfjs-core/package.json')), 'dist'),
  '/tfjs-wasm/': join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'),
};

const page = `<!doctype html><meta charset="utf-8"><title>descent: threads</title>
<script type="importmap">{ "imports": { "@descent/kernels": "/kernels/index.js" } }</script>`;

const types: Record<string, string> = {
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.html': 'text/html',
};

/** Serves `page` at / and the roots' files, every response with COOP/COEP (crossOriginIsolated). */
function serve(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const headers = {
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-store',
    };
    if (path === '/') {
      res.writeHead(200, { ...headers, 'Content-Type': 'text/html' }).end(page);
      return;
    }
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    const file = prefix ? normalize(join(roots[prefix], path.slice(prefix.length))) : '';
    if (!prefix || !file.startsWith(roots[prefix] + sep) || !existsSync(file)) {
      res.writeHead(404, headers).end();
      return;
    }
    res
      .writeHead(200, { ...headers, 'Content-Type': types[extname(file)] ?? 'application/octet-stream' })
      .end(readFileSync(file));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('the static server did not bind a port');
      resolve({ server, url: `http://127.0.0.1:${address.port}/` });
    }),
  );
}

function chromiumPath(): string {
  for (const name of ['DESCENT_CHROMIUM', 'CHROMIUM_PATH', 'CHROME_PATH']) {
    const v = process.env[name];
    if (v) {
      if (!existsSync(v)) throw new Error(`${name}=${v}: no such file`);
      return v;
    }
  }
  const found = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find(existsSync);
  if (!found)
    throw new Error(
      'no Chromium found: set DESCENT_CHROMIUM to its path (Debian/Ubuntu: apt-get install -y chromium)',
    );
  return found;
}

type PageModule = { tfjsSetup: typeof tfjsSetup; oursSetup: typeof oursSetup };

/**
 * CPU seconds (user + system, all threads) of this process's descendants, i.e. the browser's
 * processes, from /proc (Linux; undefined elsewhere). Clock ticks of 1/100 s.
 */
function browserCpuSeconds(): number | undefined {
  if (process.platform !== 'linux') return undefined;
  const parent = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // after "pid (comm) ": state ppid ... utime (12th) stime (13th)
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(d), Number(f[1]));
      ticks.set(Number(d), Number(f[11]) + Number(f[12]));
    } catch {
      // the process ended meanwhile
    }
  }
  let sum = 0;
  for (const [pid, t] of ticks) {
    let p = parent.get(pid);
    while (p !== undefined && p > 1 && p !== process.pid) p = parent.get(p);
    if (p === process.pid) sum += t;
  }
  return sum / 100;
}

/**
 * A fresh page. `setup(name, args)` runs one of the page module's setup functions;
 * `time()` times the product it set up, with the cores the browser obtained meanwhile.
 */
async function openPage(browser: Browser, url: string) {
  const p = await browser.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(url);
  const call = async (name: string, args: unknown[]): Promise<unknown> => {
    try {
      return await p.evaluate(
        async ({ name, args }) => {
          const module = '/bench/browser-threads-page.js';
          const m = await import(module);
          return m[name](...args);
        },
        { name, args },
      );
    } catch (e) {
      throw new Error(
        `${(e as Error).message}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`,
      );
    }
  };
  return {
    setup: async <K extends 'tfjsSetup' | 'oursSetup'>(name: K, args: Parameters<PageModule[K]>) =>
      (await call(name, args)) as Awaited<ReturnType<PageModule[K]>>,
    async time(): Promise<{ seconds: number; cores?: number }> {
      const cpu0 = browserCpuSeconds();
      const t0 = performance.now();
      const seconds = (await call('timeCurrent', [])) as number;
      const cpu1 = browserCpuSeconds();
      const wall = (performance.now() - t0) / 1000;
      return { seconds, cores: cpu0 === undefined || cpu1 === undefined ? undefined : (cpu1 - cpu0) / wall };
    },
    close: () => p.close(),
  };
}

const gflops = (n: number, seconds: number) => (2 * n ** 3) / seconds / 1e9;

async function size(browser: Browser, url: string, n: number): Promise<void> {
  const cores = availableParallelism();
  type Side = { seconds: number; cores?: number };
  const best: Record<string, Side> = {};
  /** Checks a setup's product and thread count, times it, keeps the faster. */
  const measure = async (
    label: string,
    page: Awaited<ReturnType<typeof openPage>>,
    set: { maxRelErr: number; threads: number },
    threads: number,
  ) => {
    if (set.threads !== threads) throw new Error(`${label}: ${set.threads} threads, not ${threads}`);
    if (!(set.maxRelErr <= 1e-5)) throw new Error(`${label}: C = A B off by ${set.maxRelErr} (relative)`);
    const m = await page.time();
    if (!best[label] || m.seconds < best[label].seconds) best[label] = m;
  };
  /** One side in a page of its own (TF.js's backend and thread count are fixed per page). */
  const tfjs = async (label: string, threads: number, logical: number | undefined, expect: number) => {
    const page = await openPage(browser, url);
    try {
      const set = await page.setup('tfjsSetup', [n, threads, logical]);
      if (!set.isolated)
        throw new Error('the page is not crossOriginIsolated: TF.js would not load its threaded build');
      await measure(label, page, set, expect);
    } finally {
      await page.close();
    }
  };
  const labels = {
    tf1: 'TF.js-wasm, setThreadsCount(1)',
    tfStock: 'TF.js-wasm as shipped, setThreadsCount(2)',
    tf2: `TF.js-wasm, setThreadsCount(2), ${2 * cores} logical cores`,
    one: 'descent gemm, plain SIMD, 1 thread',
    two: 'descent gemm, plain SIMD, 2 threads',
    relaxed: 'descent gemm, relaxed SIMD, 2 threads',
  };
  let stockThreads = 0;
  for (let r = 0; r < ROUNDS; r++) {
    await tfjs(labels.tf1, 1, undefined, 1);
    // As shipped: at most half of hardwareConcurrency; record what it gives rather than expect 2.
    const probe = await openPage(browser, url);
    try {
      const set = await probe.setup('tfjsSetup', [n, 2, undefined]);
      stockThreads = set.threads;
      await measure(labels.tfStock, probe, set, set.threads);
    } finally {
      await probe.close();
    }
    await tfjs(labels.tf2, 2, 2 * cores, 2);
    const plain = await openPage(browser, url);
    try {
      await measure(labels.one, plain, await plain.setup('oursSetup', [n, 'plain', 1]), 1);
      const two = await plain.setup('oursSetup', [n, 'plain', 2]);
      if (two.simd !== 'plain' || !two.workersRunning)
        throw new Error(`ours: ${two.simd} SIMD, workers running: ${two.workersRunning}`);
      await measure(labels.two, plain, two, 2);
    } finally {
      await plain.close();
    }
    const relaxed = await openPage(browser, url);
    try {
      const set = await relaxed.setup('oursSetup', [n, 'relaxed', 2]);
      if (set.simd !== 'relaxed') throw new Error(`ours: the relaxed page runs ${set.simd} SIMD`);
      await measure(labels.relaxed, relaxed, set, 2);
    } finally {
      await relaxed.close();
    }
  }
  console.log(
    `\nsgemm n = ${n} in Chromium (crossOriginIsolated; each side's fastest of ${ROUNDS} rounds; cores: the browser's CPU time / wall time while that side was timed)`,
  );
  for (const label of Object.values(labels)) {
    const m = best[label];
    const note = label === labels.tfStock ? ` (${stockThreads} thread${stockThreads > 1 ? 's' : ''})` : '';
    console.log(
      `  ${(label + note).padEnd(58)} ${(m.seconds * 1e3).toFixed(2).padStart(8)} ms ${gflops(n, m.seconds).toFixed(1).padStart(6)} GFLOP/s  cores ${m.cores?.toFixed(2) ?? '?'}`,
    );
  }
  const ratio = (peer: string, ours: string) => `${(best[peer].seconds / best[ours].seconds).toFixed(2)}x`;
  console.log(
    `  TF.js 2 threads vs its 1 thread: ${ratio(labels.tf1, labels.tf2)}; ours 2 vs 1: ${ratio(labels.one, labels.two)}`,
  );
  console.log(
    `  ours 2 threads vs TF.js 2 threads: ${ratio(labels.tf2, labels.two)}; vs TF.js 1 thread: ${ratio(labels.tf1, labels.two)}; vs TF.js as shipped: ${ratio(labels.tfStock, labels.two)}`,
  );
  console.log(
    `  ours relaxed + 2 threads vs TF.js 2 threads: ${ratio(labels.tf2, labels.relaxed)}; vs TF.js 1 thread: ${ratio(labels.tf1, labels.relaxed)}`,
  );
  console.log(`  ours 1 thread vs TF.js 1 thread: ${ratio(labels.tf1, labels.one)}`);
}

const sizes = process.argv.slice(2).map(Number);
for (const n of sizes)
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`Invalid n: ${n} (expected a positive integer)`);
const { server, url } = await serve();
const browser = await chromium.launch({
  executablePath: chromiumPath(),
  headless: true,
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--no-first-run',
    '--disable-background-networking',
  ],
});
const load0 = loadavg()[0];
try {
  console.log(
    `${availableParallelism()} cores, ${browser.version()}, load average ${load0.toFixed(1)} at the start`,
  );
  for (const n of sizes.length ? sizes : [1024]) await size(browser, url, n);
} finally {
  console.log(`  load average ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
  await browser.close();
  server.close();
}
