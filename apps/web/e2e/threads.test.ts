/**
 * Threads in the page, in headless Chromium, from one build served two ways:
 *   - by `vite preview`, which sends COOP/COEP (vite.config.ts): the page is crossOriginIsolated,
 *     the compute worker starts the kernels' worker pool (one thread per core, at most 8) and the
 *     footer says so;
 *   - by a plain static server under a sub-path (/descent/), without those headers, as GitHub
 *     Pages serves it: no SharedArrayBuffer, so everything runs on one thread, with no error.
 * Both train the same network (moons, 1000 points, 256-256 hidden, batch 256: products large
 * enough to be split across threads) to the same loss bit for bit, and to the loss fit() reaches
 * in Node on one thread.
 */
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setThreads } from '@descent/kernels';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Trainer, type TrainingSetup } from '../src/training.js';
import { openBuiltPage, type PageSession } from './browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(tmpdir(), 'descent-web-threads-dist');
let session: PageSession;
let plain: Server;
let plainUrl: string;

const setup: TrainingSetup = {
  dataset: 'moons',
  n: 1000,
  noise: 0.1,
  hidden: '256, 256',
  activation: 'relu',
  optimizer: 'adam',
  lr: 0.01,
  batchSize: 256,
  epochs: 20,
  seed: 3,
  testFraction: 0,
};
/** The training view's inputs in the URL (url-state.ts): every field as a string. */
const query = `?training=${encodeURIComponent(JSON.stringify(Object.fromEntries(Object.entries(setup).map(([k, v]) => [k, String(v)]))))}`;

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

/** The built site under /descent/, as a static host without COOP/COEP serves it. */
function staticServer(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (!path.startsWith('/descent/')) {
      res.writeHead(404).end();
      return;
    }
    let file = normalize(join(dir, path.slice('/descent/'.length)));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (path.endsWith('/')) file = join(file, 'index.html');
    try {
      statSync(file);
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') throw new Error('the static server did not bind a port');
      resolve({ server, url: `http://127.0.0.1:${address.port}/descent/` });
    }),
  );
}

beforeAll(async () => {
  session = await openBuiltPage(root, outDir);
  await session.page.goto('about:blank');
  ({ server: plain, url: plainUrl } = await staticServer(outDir));
}, 120_000);

afterAll(async () => {
  await session?.close();
  await new Promise<void>((resolve) => (plain ? plain.close(() => resolve()) : resolve()));
});

interface Seen {
  isolated: boolean;
  cores: number;
  backend: { threads: number; simd: string; workers: string; text: string };
  loss: string;
  accuracy: number;
  /** kernel pool workers the page started */
  poolWorkers: number;
  errors: string[];
}

/** Opens `url` with the setup in its query, waits for the footer and the training, and reads both. */
async function visit(url: string): Promise<Seen> {
  const page: Page = await session.page
    .context()
    .browser()!
    .newPage({ viewport: { width: 1366, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // the kernels' pool workers start from blob: URLs (the compute workers from the site's files)
  let poolWorkers = 0;
  page.on('worker', (w) => {
    if (w.url().startsWith('blob:')) poolWorkers++;
  });
  await page.goto(url + query);
  const footer = page.locator('#backend');
  await footer.waitFor({ timeout: 60_000 });
  await page.locator('#training[data-state="done"]').waitFor({ timeout: 90_000 });
  const training = page.locator('#training');
  const seen: Seen = {
    isolated: await page.evaluate(() => crossOriginIsolated),
    cores: await page.evaluate(() => navigator.hardwareConcurrency),
    backend: {
      threads: Number(await footer.getAttribute('data-threads')),
      simd: (await footer.getAttribute('data-simd')) ?? '',
      workers: (await footer.getAttribute('data-workers')) ?? '',
      text: (await footer.textContent()) ?? '',
    },
    loss: (await training.locator('output[name="loss"]').getAttribute('data-value')) ?? '',
    accuracy: Number(await training.locator('output[name="accuracy"]').getAttribute('data-value')),
    poolWorkers,
    errors,
  };
  await page.close();
  return seen;
}

/** The same training in Node, on one thread. */
function nodeReference(): { loss: number; accuracy: number } {
  setThreads(1);
  const trainer = new Trainer(setup);
  while (!trainer.done) trainer.run(5);
  const last = trainer.history.at(-1)!;
  trainer.free();
  return { loss: last.loss, accuracy: last.accuracy as number };
}

describe('threads in the page', () => {
  let isolated: Seen;

  it('with COOP/COEP: crossOriginIsolated, the footer reports one thread per core (>= 2 here) and relaxed SIMD, and training agrees with Node', async () => {
    isolated = await visit(session.url);
    expect(isolated.isolated).toBe(true);
    const expected = Math.max(1, Math.min(isolated.cores, 8));
    expect(isolated.backend.threads).toBe(expected);
    if (isolated.cores >= 2) {
      expect(isolated.backend.threads).toBeGreaterThanOrEqual(2);
      expect(isolated.backend.workers).toBe('true');
      expect(isolated.backend.text).toContain(`${expected} threads`);
      expect(isolated.poolWorkers).toBeGreaterThanOrEqual(expected - 1);
    }
    expect(isolated.backend.simd).toBe('relaxed');
    const node = nodeReference();
    // The page runs the relaxed-SIMD build (FMA in gemm), Node the plain one: products round
    // differently (once per multiply-add), so after training the losses agree closely, not bit
    // for bit (measured: 1.1e-8 apart at 2.0e-3).
    expect(Number(isolated.loss)).toBeCloseTo(node.loss, 6);
    expect(isolated.accuracy).toBe(node.accuracy);
    expect(isolated.accuracy).toBeGreaterThan(0.95);
    expect(isolated.errors).toEqual([]);
  });

  it('without them (a static host under /descent/): one thread, said in the footer, the same loss bit for bit, no console error', async () => {
    const single = await visit(plainUrl);
    expect(single.isolated).toBe(false);
    expect(single.backend.threads).toBe(1);
    expect(single.backend.workers).toBe('false');
    expect(single.poolWorkers).toBe(0);
    expect(single.backend.text).toContain('not cross-origin isolated');
    expect(single.errors).toEqual([]);
    expect(single.loss).toBe(isolated.loss);
    expect(single.accuracy).toBe(isolated.accuracy);
  });
});
