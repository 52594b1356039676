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
 * Sides, each a fresh page load (TF.js's backend and thread count are fixed per page), ROUNDS
 * rounds in turn, each side's fastest median kept (a median of 7 calls at n = 1024, after 0.5 s of
 * warm-up):
 *   - TF.js-wasm, setThreadsCount(1);
 *   - TF.js-wasm as shipped, setThreadsCount(2): its pool has min(2, hardwareConcurrency / 2)
 *     threads (backend.cc assumes two hyperthreads per core), so 1 on a 2-core machine;
 *   - TF.js-wasm, setThreadsCount(2) with navigator.hardwareConcurrency reported as twice the
 *     real count before TF.js starts: its threaded-simd build and XNNPACK pool on 2 threads;
 *   - ours, setThreads(1) and setThreads(2) in alternation (plain SIMD), and the relaxed-SIMD build
 *     (loadRelaxedSimd) on 2 threads.
 * Every side's C = A B is checked against a naive f64 product on 64 entries (relative error
 * <= 1e-5) and every thread count is read back (TF.js's getThreadsCount(), our backendInfo()).
 * Printed: GFLOP/s of each side and the ratios (peer time / our time).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import type { Measured, oursCase, tfjsCase } from './browser-threads-page.js';

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

type PageModule = { tfjsCase: typeof tfjsCase; oursCase: typeof oursCase };

/** Calls the page module's `name(...args)` in a fresh page, then closes the page. */
async function inPage<K extends keyof PageModule>(
  browser: Browser,
  url: string,
  name: K,
  args: Parameters<PageModule[K]>,
): Promise<Awaited<ReturnType<PageModule[K]>>> {
  const p = await browser.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  try {
    await p.goto(url);
    return (await p.evaluate(
      async ({ name, args }) => {
        const module = '/bench/browser-threads-page.js';
        const m = await import(module);
        return m[name](...args);
      },
      { name, args: args as unknown[] },
    )) as Awaited<ReturnType<PageModule[K]>>;
  } catch (e) {
    throw new Error(`${(e as Error).message}${errors.length ? ` (page errors: ${errors.join('; ')})` : ''}`);
  } finally {
    await p.close();
  }
}

const gflops = (n: number, seconds: number) => (2 * n ** 3) / seconds / 1e9;

function keepFaster<T extends Measured>(best: T | undefined, m: T, label: string): T {
  if (!(m.maxRelErr <= 1e-5)) throw new Error(`${label}: C = A B off by ${m.maxRelErr} (relative)`);
  return !best || m.seconds < best.seconds ? m : best;
}

async function size(browser: Browser, url: string, n: number): Promise<void> {
  const cores = availableParallelism();
  type Tf = Measured & { threads: number; isolated: boolean; hardwareConcurrency: number };
  let tf1: Tf | undefined;
  let tfStock: Tf | undefined;
  let tf2: Tf | undefined;
  let one: Measured | undefined;
  let two: Measured | undefined;
  let relaxed: Measured | undefined;
  let simdSeen = '';
  for (let r = 0; r < ROUNDS; r++) {
    const tf = (threads: number, logical?: number) => inPage(browser, url, 'tfjsCase', [n, threads, logical]);
    const a = await tf(1);
    if (!a.isolated)
      throw new Error('the page is not crossOriginIsolated: TF.js would not load its threaded build');
    if (a.threads !== 1) throw new Error(`TF.js, setThreadsCount(1): its pool has ${a.threads} threads`);
    tf1 = keepFaster(tf1, a, 'TF.js-wasm, 1 thread');
    tfStock = keepFaster(tfStock, await tf(2), 'TF.js-wasm as shipped, setThreadsCount(2)');
    const b = await tf(2, 2 * cores);
    if (b.threads !== 2)
      throw new Error(`TF.js, setThreadsCount(2), ${2 * cores} logical cores: ${b.threads} threads`);
    tf2 = keepFaster(tf2, b, 'TF.js-wasm, 2 threads');
    const ours = await inPage(browser, url, 'oursCase', [n, 'plain', 1]);
    if (ours.threads !== 2 || !ours.workersRunning)
      throw new Error(`ours: ${ours.threads} threads, workers running: ${ours.workersRunning}`);
    one = keepFaster(one, ours.one!, 'ours, 1 thread');
    two = keepFaster(two, ours.two, 'ours, 2 threads');
    const rel = await inPage(browser, url, 'oursCase', [n, 'relaxed', 1]);
    if (rel.simd !== 'relaxed' || rel.threads !== 2)
      throw new Error(`ours relaxed: ${rel.simd} on ${rel.threads} threads`);
    relaxed = keepFaster(relaxed, rel.two, 'ours, relaxed SIMD, 2 threads');
    simdSeen = ours.simd;
  }
  const line = (label: string, m: Measured) =>
    console.log(
      `  ${label.padEnd(52)} ${(m.seconds * 1e3).toFixed(2).padStart(8)} ms ${gflops(n, m.seconds).toFixed(1).padStart(6)} GFLOP/s`,
    );
  console.log(`\nsgemm n = ${n} in Chromium (crossOriginIsolated; fastest of ${ROUNDS} rounds, median each)`);
  line('TF.js-wasm, setThreadsCount(1)', tf1!);
  line(`TF.js-wasm as shipped, setThreadsCount(2): ${tfStock!.threads} thread(s)`, tfStock!);
  line(`TF.js-wasm, setThreadsCount(2), ${2 * cores} logical cores: ${tf2!.threads}`, tf2!);
  line(`descent gemm (${simdSeen} SIMD), 1 thread`, one!);
  line(`descent gemm (${simdSeen} SIMD), 2 threads`, two!);
  line('descent gemm (relaxed SIMD), 2 threads', relaxed!);
  const ratio = (peer: Measured, ours: Measured) => (peer.seconds / ours.seconds).toFixed(2);
  console.log(`  TF.js 2 threads vs its 1 thread: ${ratio(tf1!, tf2!)}x; ours 2 vs 1: ${ratio(one!, two!)}x`);
  console.log(
    `  ours 2 threads vs TF.js 2 threads: ${ratio(tf2!, two!)}x; vs TF.js 1 thread: ${ratio(tf1!, two!)}; vs TF.js as shipped (2 asked): ${ratio(tfStock!, two!)}x`,
  );
  console.log(
    `  ours relaxed + 2 threads vs TF.js 2 threads: ${ratio(tf2!, relaxed!)}x; vs TF.js 1 thread: ${ratio(tf1!, relaxed!)}x`,
  );
  console.log(`  ours 1 thread vs TF.js 1 thread: ${ratio(tf1!, one!)}x`);
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
