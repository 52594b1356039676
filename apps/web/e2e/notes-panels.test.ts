/**
 * The notes' panels in headless Chromium: the noise race, coordinate descent's staircase and the
 * sharpness bars each draw (non-blank), the race's SVRG ends below SGD, the staircase's steps are
 * parallel to an axis, and the settings go into the URL. Each panel computes when it is first
 * scrolled near, so the tests scroll to it. Screenshots of the three panels at
 * 1366x900 and 390x844 go to /tmp/web-shots/notes-*.png.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBuiltPage, type PageSession } from './browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shots = '/tmp/web-shots';
let session: PageSession;

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  session = await openBuiltPage(root, join(tmpdir(), 'descent-web-notes-dist'));
  await session.page.setViewportSize({ width: 1366, height: 900 });
}, 120_000);

afterAll(async () => {
  await session?.close();
});

/** The SVG point list "x,y x,y ..." as pairs. */
const pointsOf = (text: string | null) =>
  (text ?? '')
    .trim()
    .split(/\s+/)
    .map((p) => p.split(',').map(Number));

/** Scrolls panel `id` into view (it computes when first seen) and waits until it has drawn. */
async function shown(page: PageSession['page'], id: string, timeout = 90_000): Promise<void> {
  await page.locator(`#${id}`).scrollIntoViewIfNeeded();
  await page.locator(`#${id}[data-state="done"]`).waitFor({ timeout });
}

describe("the notes' panels", () => {
  it('the noise race draws four curves, and SVRG and SAGA end far below SGD', async () => {
    const { page } = session;
    await shown(page, 'noise');
    expect(await page.locator('#noise-chart polyline.series').count()).toBe(4);
    for (const name of ['SGD', 'SAGA', 'SVRG', 'growing batch']) {
      const pts = pointsOf(
        await page.locator(`#noise-chart polyline[data-name="${name}"]`).getAttribute('points'),
      );
      expect(pts.length, name).toBeGreaterThan(5); // SVRG: one record per 5 passes
    }
    const final = async (name: string) =>
      Number(await page.locator(`#noise-results tr[data-method="${name}"]`).getAttribute('data-final'));
    const sgd = await final('SGD');
    expect(await final('SVRG')).toBeLessThan(sgd / 1000);
    expect(await final('SAGA')).toBeLessThan(sgd / 1000);
    expect(await page.locator('#noise .explain').textContent()).toMatch(/linear rate/);
  });

  it('a step η that is not a positive number is refused with a message, the chart kept', async () => {
    const { page } = session;
    const input = page.locator('#noise input[name="lr"]');
    await input.fill('-1');
    await input.press('Enter');
    expect(await page.locator('#noise .status').textContent()).toMatch(/Invalid step η: "-1"/);
    expect(await page.locator('#noise-chart polyline.series').count()).toBe(4);
    await input.fill('1');
    await input.press('Enter');
    await page.locator('#noise[data-state="done"]').waitFor();
  });

  it("coordinate descent's staircase: every step of the three rules is horizontal or vertical, gradient descent's not", async () => {
    const { page } = session;
    await shown(page, 'staircase');
    expect(await page.locator('#staircase-plot .level-lines path').count()).toBeGreaterThan(5);
    const lines = page.locator('#staircase-plot polyline.trajectory');
    expect(await lines.count()).toBe(4);
    for (const rule of ['cyclic', 'random', 'Gauss–Southwell']) {
      const pts = pointsOf(
        await page
          .locator(`#staircase-plot polyline[data-method="coordinate descent, ${rule}"]`)
          .getAttribute('points'),
      );
      expect(pts.length, rule).toBeGreaterThan(5);
      for (let k = 1; k < pts.length; k++) {
        const [dx, dy] = [pts[k][0] - pts[k - 1][0], pts[k][1] - pts[k - 1][1]];
        expect(Math.min(Math.abs(dx), Math.abs(dy)), `${rule} step ${k}`).toBeLessThanOrEqual(0.1);
      }
    }
    const gd = pointsOf(
      await page
        .locator('#staircase-plot polyline[data-method="gradient descent, step 1/L"]')
        .getAttribute('points'),
    );
    const [dx, dy] = [gd[1][0] - gd[0][0], gd[1][1] - gd[0][1]];
    expect(Math.min(Math.abs(dx), Math.abs(dy))).toBeGreaterThan(1);
  });

  it('turning the valley to φ = 0 finishes cyclic descent in two steps, and the angle goes into the URL', async () => {
    const { page } = session;
    await page.locator('#staircase select[name="angle"]').selectOption('0');
    await page.locator('#staircase[data-state="done"]').waitFor();
    await expect
      .poll(() =>
        page
          .locator('#staircase-results tr[data-method="coordinate descent, cyclic"] td')
          .nth(1)
          .textContent(),
      )
      .toBe('2');
    await expect.poll(() => new URL(page.url()).searchParams.get('staircase')).toBe('{"angle":0}');
    await page.locator('#staircase select[name="angle"]').selectOption('30');
    await page.locator('#staircase[data-state="done"]').waitFor();
  });

  it('the sharpness bars: λ_max and trace for four optimizers, SAM flatter than full-batch GD', async () => {
    const { page } = session;
    await shown(page, 'sharpness');
    const bars = page.locator('#sharpness-chart rect.bar');
    expect(await bars.count()).toBe(8);
    for (let i = 0; i < 8; i++) expect(Number(await bars.nth(i).getAttribute('width'))).toBeGreaterThan(0);
    const lambda = async (name: string) =>
      Number(
        await page
          .locator(`#sharpness-chart rect.bar[data-measure="lambdaMax"][data-name^="${name}"]`)
          .getAttribute('data-value'),
      );
    expect(await lambda('SAM')).toBeLessThan(await lambda('GD'));
  });

  it('restores the panels from the URL: η = 0.5 and φ = 45', async () => {
    const { page, url } = session;
    await page.goto(
      `${url}?noise=${encodeURIComponent('{"lr":"0.5"}')}&staircase=${encodeURIComponent('{"angle":45}')}`,
    );
    await shown(page, 'noise');
    expect(await page.locator('#noise input[name="lr"]').inputValue()).toBe('0.5');
    expect(await page.locator('#noise .status').textContent()).toMatch(/η = 0.5/);
    await shown(page, 'staircase');
    expect(await page.locator('#staircase select[name="angle"]').inputValue()).toBe('45');
  });

  it('draws on a phone and renders without console errors (screenshots at 1366x900 and 390x844)', async () => {
    const { page, errors } = session;
    await page.goto(session.url);
    await page.setViewportSize({ width: 1366, height: 900 });
    for (const id of ['noise', 'staircase', 'sharpness']) {
      await shown(page, id);
      await page.locator(`#${id}`).screenshot({ path: `${shots}/notes-${id}-1366.png` });
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    for (const id of ['noise', 'staircase', 'sharpness']) {
      await shown(page, id);
      await page.locator(`#${id}`).screenshot({ path: `${shots}/notes-${id}-390.png` });
    }
    // nothing of the notes' panels wider than the phone
    const rights = await page.evaluate(() =>
      Array.from(
        document.querySelectorAll('#noise, #staircase, #sharpness, #noise *, #staircase *, #sharpness *'),
      )
        .filter((el) => !el.closest('.table-slot'))
        .map(
          (el) =>
            [el.id || el.className || el.tagName, Math.round(el.getBoundingClientRect().right)] as const,
        ),
    );
    expect(rights.filter(([, right]) => right > 390)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
