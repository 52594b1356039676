/**
 * @descent/kernels' threads in a browser (headless Chromium): the built package (packages/kernels/
 * dist, plain ES modules) served with and without the COOP/COEP headers that make a page
 * crossOriginIsolated. With them the kernels share their memory with Web Workers started from a
 * Blob URL, and a threaded gemm gives the same bits as a single-threaded one; without them the
 * kernels run single-threaded, say why, and setThreads(2) is refused by name. No console errors
 * either way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// the browser tests' Chromium discovery (a test helper of the demo page, used here as a tool)
import { withPage } from './chromium-page.js';

const kernels = fileURLToPath(new URL('../../kernels/', import.meta.url));

const page = `<!doctype html><html><body><pre id="out"></pre><script type="module">
import * as K from '/dist/index.js';
const out = {};
try {
  out.before = K.backendInfo();
  if (crossOriginIsolated) {
    K.setThreads(2);
    await K.threadsReady();
  } else {
    try { K.setThreads(2); } catch (e) { out.refused = e.name + ': ' + e.message; }
  }
  const n = 200;
  const A = K.matrixFrom(n, n, new Float32Array(n * n).map((_, i) => Math.sin(i)));
  const C = [0, 1].map(() => K.matrixFrom(n, n, new Float32Array(n * n)));
  K.gemm(A, A, C[0]);
  out.during = K.backendInfo();
  K.setThreads(1);
  K.gemm(A, A, C[1]);
  let diff = 0;
  for (let i = 0; i < n * n; i++) if (!Object.is(C[0].data.data[i], C[1].data.data[i])) diff++;
  out.diff = diff;
} catch (e) { out.error = String(e && e.stack || e); }
document.getElementById('out').textContent = JSON.stringify(out);
</script></body></html>`;

async function visit(
  isolated: boolean,
  extra: Record<string, string> = {},
): Promise<{ out: Record<string, unknown>; errors: string[] }> {
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const headers: Record<string, string> = isolated
      ? {
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
          ...extra,
        }
      : { ...extra };
    if (url === '/') {
      res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(page);
      return;
    }
    const file = join(kernels, url);
    if (!url.startsWith('/dist/') || url.includes('..') || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    const type = extname(file) === '.js' ? 'text/javascript' : 'application/octet-stream';
    res.writeHead(200, { ...headers, 'content-type': type }).end(readFileSync(file));
  });
  return withPage(server, async (tab, url, errors) => {
    await tab.route('**/favicon.ico', (r) => r.fulfill({ status: 204 }));
    await tab.goto(url);
    const out = tab.locator('#out');
    await out.filter({ hasText: '{' }).waitFor();
    return { out: JSON.parse((await out.textContent()) ?? '{}'), errors };
  });
}

describe.skipIf(!existsSync(join(kernels, 'dist/index.js')))('kernel threads in Chromium', () => {
  it('crossOriginIsolated: workers from a Blob URL run gemm with the same bits as one thread', async () => {
    const { out, errors } = await visit(true);
    expect(out.error).toBeUndefined();
    expect(out.before).toMatchObject({ sharedMemory: true, crossOriginIsolated: true });
    expect(out.during).toMatchObject({ threads: 2, workersRunning: true });
    expect(out.diff).toBe(0);
    expect(errors).toEqual([]);
  });

  it('isolated, but a Content-Security-Policy forbids blob: workers: threadsReady() resolves, single-threaded, reason named', async () => {
    const { out, errors } = await visit(true, { 'Content-Security-Policy': "worker-src 'self'" });
    expect(out.error).toBeUndefined();
    expect(out.during).toMatchObject({ threads: 1, sharedMemory: true, workersRunning: false });
    expect((out.during as { reason: string }).reason).toMatch(/^threads: workers failed to start/);
    expect(out.diff).toBe(0);
    // the browser's own report of the blocked worker, and nothing else
    expect(errors.filter((e) => !/Content Security Policy/.test(e))).toEqual([]);
  });

  it('not isolated: single-threaded, the reason named, setThreads(2) refused, no console error', async () => {
    const { out, errors } = await visit(false);
    expect(out.error).toBeUndefined();
    expect(out.before).toMatchObject({ threads: 1, sharedMemory: false, crossOriginIsolated: false });
    expect((out.before as { reason: string }).reason).toContain('not crossOriginIsolated');
    expect(out.refused).toMatch(/^RangeError: setThreads\(2\): threads need shared memory/);
    expect(out.diff).toBe(0);
    expect(errors).toEqual([]);
  });
});
