/**
 * Browser-test support: build the page with Vite (no special configuration), serve it on
 * localhost with `vite preview`, and drive a Chromium through playwright-core: the one that
 * chromium.ts finds (DESCENT_CHROMIUM, CHROMIUM_PATH, CHROME_PATH, the usual install paths,
 * Playwright's cache), started with the flags a headless root container needs (no sandbox, no GPU,
 * no background connections to Google's hosts).
 */
import { type Browser, chromium, type Page } from 'playwright-core';
import { build, preview } from 'vite';
import { ensureChromium, HEADLESS_FLAGS, thisMachine } from './chromium.js';

export interface PageSession {
  page: Page;
  url: string;
  errors: string[];
  close(): Promise<void>;
}

/** `outDir` (default root/dist): a test file of its own may build elsewhere, so runs never collide. */
export async function openBuiltPage(root: string, outDir?: string): Promise<PageSession> {
  const out = outDir ? { build: { outDir, emptyOutDir: true } } : {};
  await build({ root, logLevel: 'error', ...out });
  const server = await preview({ root, preview: { port: 0, host: '127.0.0.1' }, logLevel: 'error', ...out });
  const address = server.httpServer.address();
  if (!address || typeof address === 'string') throw new Error('vite preview did not bind a port');
  const url = `http://127.0.0.1:${address.port}/`;
  const browser: Browser = await chromium.launch({
    executablePath: ensureChromium(thisMachine).path,
    headless: true,
    args: HEADLESS_FLAGS,
  });
  const page = await browser.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url);
  return {
    page,
    url,
    errors,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    },
  };
}
