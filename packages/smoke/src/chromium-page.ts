/**
 * The smoke tests' browser: serves `server` on a free local port, opens one headless Chromium tab
 * that collects page errors and console errors, runs `visit` on it, then closes both.
 */
import type { Server } from 'node:http';
import { chromium, type Page } from 'playwright-core';
import { ensureChromium, HEADLESS_FLAGS, thisMachine } from '../../../apps/web/e2e/chromium.js';

export async function withPage<T>(
  server: Server,
  visit: (tab: Page, url: string, errors: string[]) => Promise<T>,
): Promise<T> {
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  const browser = await chromium.launch({
    executablePath: ensureChromium(thisMachine).path,
    headless: true,
    args: HEADLESS_FLAGS,
  });
  try {
    const tab = await browser.newPage();
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    tab.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    return await visit(tab, `http://127.0.0.1:${port}/`, errors);
  } finally {
    await browser.close();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
}
