import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBuiltPage, type PageSession } from './browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let session: PageSession;

beforeAll(async () => {
  session = await openBuiltPage(root);
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('the demo page in headless Chromium', () => {
  it('loads the SIMD kernels from a plain Vite build and computes with them', async () => {
    const out = session.page.locator('#kernels output');
    await out.waitFor();
    // sum_{i=1}^{1000} i^2 = 1000 * 1001 * 2001 / 6
    expect(Number(await out.textContent())).toBe((1000 * 1001 * 2001) / 6);
    expect(session.errors).toEqual([]);
  });
});
