import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findCriticalPoints, getProblem } from '@descent/core';
import { cosineWarmRestarts, exponential, sample } from '@descent/schedulers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Trainer } from '../src/training.js';
import { openBuiltPage, type PageSession } from './browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let session: PageSession;

beforeAll(async () => {
  session = await openBuiltPage(root);
  await session.page.setViewportSize({ width: 1180, height: 900 });
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
  });

  it('races the optimizers on the ill-conditioned quadratic: Newton in one step, Adam and SGD converge', async () => {
    const { page } = session;
    await page.locator('#race[data-state="done"]').waitFor();
    const steps = (method: string) => page.locator(`#race-results tr[data-method="${method}"] td.steps`);
    expect(await steps('newton').getAttribute('data-value')).toBe('1');
    for (const method of ['adam', 'gd', 'momentum', 'lbfgs']) {
      expect(Number(await steps(method).getAttribute('data-value')), method).toBeGreaterThan(1);
      const loss = page.locator(`#race-results tr[data-method="${method}"] td.loss`);
      expect(Number(await loss.getAttribute('data-value')), method).toBeLessThan(1e-8);
    }
    // one trajectory per racer, drawn over a contour plot with level lines
    expect(await page.locator('#race polyline.trajectory').count()).toBe(8);
    expect(await page.locator('#race .level-lines path').count()).toBeGreaterThan(5);
    const newtonPath = await page.locator('#race polyline[data-method="newton"]').getAttribute('points');
    expect(newtonPath?.split(' ').length).toBe(2);
    // and one loss curve per racer, Newton's with its two iterates
    expect(await page.locator('#race-convergence polyline.series').count()).toBe(8);
    const newtonCurve = await page
      .locator('#race-convergence polyline[data-name="newton"]')
      .getAttribute('points');
    expect(newtonCurve?.split(' ').length).toBe(2);
  });

  it('moves the start to a clicked point and reruns the race from there', async () => {
    const { page } = session;
    const svg = page.locator('#race .plot-slot .surface-plot svg');
    await svg.scrollIntoViewIfNeeded();
    const box = (await svg.boundingBox())!;
    // the plot area spans x in [-12, 12], y in [-3, 3]: its centre is the minimum (0, 0)
    await page.mouse.click(box.x + 46 + (box.width - 56) * 0.75, box.y + 10 + (box.height - 40) * 0.25);
    expect(Number(await page.locator('#race input[name="x0"]').inputValue())).toBeCloseTo(6, 0);
    expect(Number(await page.locator('#race input[name="y0"]').inputValue())).toBeCloseTo(1.5, 0);
    await page.locator('#race[data-state="done"]').waitFor();
    expect(
      await page.locator('#race-results tr[data-method="newton"] td.steps').getAttribute('data-value'),
    ).toBe('1');
  });

  it("shows a bad learning rate as that row's error and still runs the others", async () => {
    const { page } = session;
    await page.locator('#race input[name="lr-adam"]').fill('-1');
    await page.locator('#race button[type="submit"]').click();
    await page.locator('#race[data-state="done"]').waitFor();
    expect(await page.locator('#race-results tr[data-method="adam"] td.error').textContent()).toBe(
      'Invalid learning rate: -1',
    );
    expect(
      await page.locator('#race-results tr[data-method="gd"] td.steps').getAttribute('data-value'),
    ).not.toBe('');
    await page.locator('#race input[name="lr-adam"]').fill('0.5');
    await page.locator('#race button[type="submit"]').click();
    await page.locator('#race[data-state="done"]').waitFor();
  });

  it('classifies (0, 0) of x^2 - y^2 as a saddle with eigenvalues (-2, 2) and an escape arrow', async () => {
    const { page } = session;
    const section = page.locator('#critical');
    await section.locator('input[name="px"]').fill('0');
    await section.locator('input[name="py"]').fill('0');
    await section.locator('button[type="submit"]').click();
    // the compute worker classifies the point: data-state is "busy" until its report is shown
    await page.locator('#critical[data-state="done"]').waitFor();
    expect(await section.locator('output[name="kind"]').textContent()).toBe('saddle');
    const eigenvalues = await section.locator('output[name="eigenvalues"]').getAttribute('data-values');
    expect(JSON.parse(eigenvalues!)).toEqual([-2, 2]);
    // escape directions ±(0, 1): two red arrows, found by findCriticalPoints: one saddle marker
    expect(await section.locator('.arrow.escape').count()).toBe(2);
    expect(await section.locator('.marker-saddle').count()).toBe(1);
    // each eigenvector's arrows carry its eigenvalue
    expect((await section.locator('.arrow-label').allTextContents()).sort()).toEqual(['λ = -2', 'λ = 2']);
  });

  it('snaps a click near the saddle of x^2 - y^2 to (0, 0) and classifies it', async () => {
    const { page } = session;
    const section = page.locator('#critical');
    await section.locator('input[name="px"]').fill('1');
    await section.locator('input[name="py"]').fill('1');
    await section.locator('button[type="submit"]').click();
    await page.locator('#critical[data-state="done"]').waitFor();
    expect(await section.locator('output[name="kind"]').textContent()).toBe('not a critical point');
    expect(await section.locator('.arrow.descent').count()).toBe(1);
    // the plot area spans [-2, 2]^2; click 3 pixels off its centre
    await section.locator('.surface-plot svg').scrollIntoViewIfNeeded();
    const box = (await section.locator('.surface-plot svg').boundingBox())!;
    await page.mouse.click(box.x + 46 + (box.width - 56) / 2 + 3, box.y + 10 + (box.height - 40) / 2 - 2);
    await page.locator('#critical[data-state="done"]').waitFor();
    expect(await section.locator('output[name="kind"]').textContent()).toBe('saddle');
    expect([
      await section.locator('input[name="px"]').inputValue(),
      await section.locator('input[name="py"]').inputValue(),
    ]).toEqual(['0', '0']);
    expect(
      JSON.parse((await section.locator('output[name="eigenvalues"]').getAttribute('data-values'))!),
    ).toEqual([-2, 2]);
  });

  it('marks the critical points of Himmelblau that findCriticalPoints finds in Node', async () => {
    const { page } = session;
    const section = page.locator('#critical');
    await section.locator('select[name="problem"]').selectOption('himmelblau');
    await page.locator('#critical[data-state="done"]').waitFor();
    const problem = getProblem('himmelblau');
    const expected = findCriticalPoints(problem, problem.domain, { pointsPerDim: 12 });
    // 4 minima, 4 saddles and 1 maximum
    expect(expected.map((c) => c.kind).sort()).toEqual([
      ...Array(1).fill('maximum'),
      ...Array(4).fill('minimum'),
      ...Array(4).fill('saddle'),
    ]);
    for (const kind of ['minimum', 'saddle', 'maximum']) {
      expect(await section.locator(`.marker-${kind}`).count(), kind).toBe(
        expected.filter((c) => c.kind === kind).length,
      );
    }
    expect(await section.locator('output[name="found"]').textContent()).toBe(
      '4 minima, 4 saddles, 1 maximum',
    );
    // listed one per line; a click on one inspects it
    expect(await section.locator('.critical-list li').count()).toBe(9);
    await section.locator('.critical-list button.kind-maximum').click();
    await page.locator('#critical[data-state="done"]').waitFor();
    expect(await section.locator('output[name="kind"]').textContent()).toBe('maximum');
    await section.locator('select[name="problem"]').selectOption('saddle');
    await page.locator('#critical[data-state="done"]').waitFor();
  });

  it('classifies the minima of a typed formula and refuses one with three variables', async () => {
    const { page } = session;
    const section = page.locator('#critical');
    // fromExpression (with mathjs) is a chunk of its own, fetched when a formula is first chosen
    const expressionChunks = async () =>
      (await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name))).filter((url) =>
        /\/expression-[^/]*\.js$/.test(url),
      );
    expect(await expressionChunks()).toEqual([]);
    await section.locator('select[name="problem"]').selectOption('expression');
    await section.locator('input[name="expression"]').fill('(x^2 - 1)^2 + y^2');
    await section.locator('input[name="expression"]').press('Enter');
    // minima at (±1, 0), a saddle at (0, 0) where the page starts; the worker loads mathjs too
    await page.locator('#critical[data-state="done"]').waitFor({ timeout: 30_000 });
    expect(await section.locator('.marker-minimum').count()).toBe(2);
    await expect.poll(() => section.locator('output[name="kind"]').textContent()).toBe('saddle');
    expect(await expressionChunks()).toHaveLength(1);
    await section.locator('input[name="expression"]').fill('x^2 + y^2 + z^2');
    await section.locator('input[name="expression"]').press('Enter');
    await expect
      .poll(() => section.locator('.status').textContent(), { timeout: 10_000 })
      .toContain('The formula has 3 variables (x, y, z); the plot needs two');
    // and the previous formula stays on show
    expect(await section.locator('.marker-minimum').count()).toBe(2);
    await section.locator('select[name="problem"]').selectOption('saddle');
  });

  it('shows the newest choice when an earlier formula is still loading its module', async () => {
    // A page of its own, so that @descent/core/expression is not loaded yet; its chunk is held
    // back for a second, and the user picks a zoo problem meanwhile.
    const context = await session.page.context().browser()!.newContext();
    const page = await context.newPage();
    try {
      let delivered = false;
      await page.route(/\/expression-[^/]*\.js$/, async (route) => {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        await route.continue();
        delivered = true;
      });
      await page.goto(session.url);
      const section = page.locator('#critical');
      await section.locator('select[name="problem"]').selectOption('expression');
      await section.locator('select[name="problem"]').selectOption('saddle');
      await expect
        .poll(() => section.locator('output[name="found"]').textContent(), { timeout: 30_000 })
        .toBe('1 saddle');
      await expect.poll(() => delivered, { timeout: 10_000 }).toBe(true);
      // the formula's late answer (two minima) is dropped
      await page.waitForTimeout(300);
      expect(await section.locator('output[name="found"]').textContent()).toBe('1 saddle');
      expect(await section.locator('.marker-minimum').count()).toBe(0);
      expect(await section.locator('.status').textContent()).toBe('');
    } finally {
      await context.close();
    }
  });

  it("draws a schedule curve with the library sample()'s length and end values", async () => {
    const { page } = session;
    const section = page.locator('#schedules');
    const expected = sample(
      cosineWarmRestarts({ lr: 0.1, T0: 10, TMult: 2, etaMin: 0.001, peakDecay: 0.8 }),
      100,
    );
    const check = async (curve: Float64Array) => {
      const points = await section.locator('polyline.series').getAttribute('points');
      expect(points!.split(' ').length).toBe(curve.length);
      expect(Number(await section.locator('output[name="first"]').getAttribute('data-value'))).toBe(curve[0]);
      expect(Number(await section.locator('output[name="last"]').getAttribute('data-value'))).toBe(
        curve[curve.length - 1],
      );
    };
    await check(expected);
    await section.locator('select[name="schedule"]').selectOption('exponential');
    await section.locator('input[name="gamma"]').fill('0.9');
    await section.locator('input[name="steps"]').fill('40');
    await check(sample(exponential({ lr: 0.1, gamma: 0.9 }), 40));
  });

  it("shows an invalid schedule parameter as the library's error and draws nothing", async () => {
    const { page } = session;
    const section = page.locator('#schedules');
    await section.locator('input[name="gamma"]').fill('-2');
    expect(await section.locator('.status').textContent()).toMatch(/gamma/);
    expect(await section.locator('polyline.series').count()).toBe(0);
    await section.locator('select[name="schedule"]').selectOption('cosine-warm-restarts');
  });

  it('trains an MLP on the spirals in the page, epoch for epoch as fit() does in Node', async () => {
    const { page } = session;
    const section = page.locator('#training');
    await page.locator('#training[data-state="done"]').waitFor();
    const node = new Trainer({
      dataset: 'spirals',
      n: 300,
      noise: 0.05,
      hidden: '32, 32',
      activation: 'tanh',
      optimizer: 'adam',
      lr: 0.01,
      batchSize: 32,
      epochs: 200,
      seed: 1,
      testFraction: 0.2,
    });
    while (!node.done) node.run(50);
    const last = node.history.at(-1)!;
    node.free();
    expect(await section.locator('output[name="epoch"]').textContent()).toBe('200 / 200');
    const loss = Number(await section.locator('output[name="loss"]').getAttribute('data-value'));
    expect(loss).toBeCloseTo(last.loss, 6);
    const accuracy = Number(await section.locator('output[name="accuracy"]').getAttribute('data-value'));
    expect(accuracy).toBe(last.accuracy);
    expect(accuracy).toBeGreaterThan(0.95);
    expect(Number(await section.locator('output[name="testAccuracy"]').getAttribute('data-value'))).toBe(
      last.valAccuracy,
    );
    const curve = await section.locator('#training-curve polyline[data-name="train"]').getAttribute('points');
    expect(curve!.split(' ').length).toBe(200);
    const counts = await section
      .locator('path.dots')
      .evaluateAll((paths) => paths.map((p) => Number(p.dataset.count)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(300);
  });

  it('renders without console errors (screenshot in /tmp/descent-web.png)', async () => {
    await session.page.screenshot({ path: '/tmp/descent-web.png', fullPage: true });
    expect(session.errors).toEqual([]);
  });
});
