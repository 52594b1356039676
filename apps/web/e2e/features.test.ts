/**
 * The page's newer features of issue 16, in headless Chromium against the built site: copies of
 * one racer with their own settings (and in the URL), a Stop for a running race, a legend that
 * never covers the chart, the critical-point search off the main thread, a small first paint
 * (no kernels and no worker before it), and the network playground's L1 / L2 / dropout, loss-
 * landscape slices and Hessian eigenvalues, each checked against the same computation in Node.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { findCriticalPoints, getProblem } from '@descent/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landscapeOf } from '../src/landscape.js';
import { runRace } from '../src/race.js';
import { Trainer, type TrainingSetup } from '../src/training.js';
import { openBuiltPage, type PageSession } from './browser.js';
import { watchLongTasks } from './main-thread.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quadratic = getProblem('ill-conditioned');
let session: PageSession;
/** One page for the race, the explorer and the playground (each page load trains and races anew). */
let page: Page;
let errors: string[];

async function newPage(width: number, height: number, url = session.url) {
  const page = await session.page.context().browser()!.newPage({ viewport: { width, height } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await watchLongTasks(page);
  await page.goto(url);
  return { page, errors };
}

beforeAll(async () => {
  session = await openBuiltPage(root);
  await session.page.goto('about:blank');
  ({ page, errors } = await newPage(1366, 900));
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('the first paint', () => {
  it('needs under 50 kB of gzipped JavaScript, with no kernels in it', () => {
    const html = readFileSync(join(root, 'dist/index.html'), 'utf8');
    const scripts = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map(
      (m) => m[1],
    );
    expect(scripts.length).toBeGreaterThan(0);
    let gzipped = 0;
    for (const file of scripts) {
      const code = readFileSync(join(root, 'dist', file));
      // the kernels' WebAssembly is embedded as base64: "\0asm" encodes as AGFzbQ
      expect(code.includes('AGFzbQ'), file).toBe(false);
      gzipped += gzipSync(code, { level: 9 }).length;
    }
    // before: 113 kB for the page's chunk (kernels included) and 138 kB for the worker, both at start
    console.log(`first-paint JavaScript: ${scripts.join(', ')}: ${gzipped} bytes gzipped`);
    // 34 kB with the five first panels, 39 kB with the notes' three; the bound leaves room for a few more
    expect(gzipped).toBeLessThan(50_000);
  });

  it('starts no worker before the first contentful paint, and the kernels load in one after it', async () => {
    const page = await session.page
      .context()
      .browser()!
      .newPage({ viewport: { width: 1366, height: 900 } });
    await page.addInitScript(() => {
      const w = window as unknown as { workersAt: number[] };
      w.workersAt = [];
      const Original = window.Worker;
      window.Worker = class extends Original {
        constructor(url: string | URL, options?: WorkerOptions) {
          w.workersAt.push(performance.now());
          super(url, options);
        }
      };
    });
    await page.goto(session.url);
    await page.locator('#kernels output').waitFor({ timeout: 60_000 });
    expect(Number(await page.locator('#kernels output').textContent())).toBe((1000 * 1001 * 2001) / 6);
    const { paint, workers } = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      workers: (window as unknown as { workersAt: number[] }).workersAt,
    }));
    expect(paint).toBeGreaterThan(0);
    expect(workers.length).toBeGreaterThan(0);
    expect(Math.min(...workers)).toBeGreaterThan(paint);
    await page.close();
  });
});

describe('the race', () => {
  const race = () => page.locator('#race');
  const steps = (key: string) => race().locator(`#race-results tr[data-method="${key}"] td.steps`);
  const run = async () => {
    await race().locator('button[type="submit"]').click();
    await page.locator('#race[data-state="done"], #race[data-state="error"]').waitFor({ timeout: 60_000 });
  };

  beforeAll(async () => {
    await page.locator('#race[data-state="done"]').waitFor({ timeout: 60_000 });
  });

  it('races two Adams, lr 0.01 and 0.1, each as minimize does in Node, in its own colour and legend entry', async () => {
    await race().locator('button[name="copy-adam"]').click();
    await race().locator('input[name="lr-adam"]').fill('0.01');
    await race().locator('input[name="lr-adam#2"]').fill('0.1');
    await race().locator('input[name="beta1-adam#2"]').fill('0.5');
    await run();
    const [slow, fast] = runRace(
      quadratic,
      [10, 1],
      [
        { method: 'adam', lr: 0.01, options: { betas: [0.9, 0.999] } },
        { method: 'adam', lr: 0.1, options: { betas: [0.5, 0.999] } },
      ],
    );
    expect(await steps('adam').getAttribute('data-value')).toBe(String(slow.stepsToTolerance ?? ''));
    expect(await steps('adam#2').getAttribute('data-value')).toBe(String(fast.stepsToTolerance ?? ''));
    expect(slow.stepsToTolerance).not.toBe(fast.stepsToTolerance);
    expect(await race().locator('#race-results tr[data-method="adam#2"] td.name').textContent()).toBe(
      'Adam 2',
    );
    // its own path and loss curve, in a colour no other racer has
    const colours = await race()
      .locator('polyline.trajectory')
      .evaluateAll((ls) => ls.map((l) => l.getAttribute('stroke') ?? getComputedStyle(l).stroke));
    expect(colours).toHaveLength(9);
    expect(new Set(colours).size).toBe(9);
    expect(await race().locator('#race-convergence polyline[data-name="adam#2"]').count()).toBe(1);
    expect(await race().locator('#race-legend li .legend-label').allTextContents()).toContain('Adam 2');
  });

  it('keeps the copy in the URL: a reload races the same two Adams', async () => {
    const before = await race().locator('#race-results tbody').textContent();
    await page.waitForTimeout(100);
    const shared = await newPage(1366, 900, page.url());
    await shared.page.locator('#race[data-state="done"]').waitFor({ timeout: 60_000 });
    expect(await shared.page.locator('#race input[name="lr-adam#2"]').inputValue()).toBe('0.1');
    expect(await shared.page.locator('#race input[name="beta1-adam#2"]').inputValue()).toBe('0.5');
    expect(await shared.page.locator('#race-results tbody').textContent()).toBe(before);
    expect(shared.errors).toEqual([]);
    await shared.page.close();
  });

  it('keeps a copy 10x from its first racer when another function suggests new rates', async () => {
    await race().locator('select[name="problem"]').selectOption('rosenbrock');
    await page.locator('#race[data-state="done"]').waitFor({ timeout: 30_000 });
    const first = Number(await race().locator('input[name="lr-adam"]').inputValue());
    const copy = Number(await race().locator('input[name="lr-adam#2"]').inputValue());
    expect(first).not.toBe(0.01);
    expect(copy / first).toBeCloseTo(10, 1);
    await race().locator('select[name="problem"]').selectOption('ill-conditioned');
    await page.locator('#race[data-state="done"]').waitFor({ timeout: 30_000 });
  });

  it('takes a copy away again', async () => {
    await race().locator('button[name="remove-adam#2"]').click();
    await page.locator('#race[data-state="done"]').waitFor();
    expect(await race().locator('input[name="lr-adam#2"]').count()).toBe(0);
    expect(await race().locator('#race-results tbody tr').count()).toBe(8);
    await race().locator('input[name="lr-adam"]').fill('0.5');
  });

  it("puts a copy of Momentum on the (α, β) plane beside the first one, in the copy's colour", async () => {
    await race().locator('button[name="copy-momentum"]').click();
    await race().locator('input[name="lr-momentum#2"]').fill('0.3');
    await run();
    const dot = race().locator('.momentum-figure .marker-copy');
    expect(await dot.count()).toBe(1);
    expect(await dot.locator('title').textContent()).toMatch(/^Momentum 2: lr 0\.3, β 0\.9, ρ = /);
    expect(await race().locator('.momentum-figure .marker-probe').count()).toBe(1);
    await race().locator('button[name="remove-momentum#2"]').click();
    await page.locator('#race[data-state="done"]').waitFor();
  });

  it('lays the legend of 24 racers out beside the chart, never over it, at 1366 and at 390 pixels', async () => {
    for (const box of await race().locator('.racers input[type="checkbox"]').all()) await box.check();
    await run();
    for (const width of [1366, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(200);
      const boxes = await page.evaluate(() => {
        const rect = (el: Element) => el.getBoundingClientRect().toJSON() as DOMRect;
        return {
          chart: rect(document.querySelector('#race-convergence')!),
          items: Array.from(document.querySelectorAll('#race-legend li'), rect),
          section: rect(document.querySelector('#race')!),
        };
      });
      expect(boxes.items).toHaveLength(24);
      for (const item of boxes.items) {
        expect(item.top, `${width} px`).toBeGreaterThanOrEqual(boxes.chart.bottom);
        expect(item.right, `${width} px`).toBeLessThanOrEqual(boxes.section.right);
      }
    }
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  it('singles a racer out while its legend entry is pointed at, on the plot and on the chart', async () => {
    const opacity = (selector: string) =>
      page.locator(selector).evaluate((el) => Number(getComputedStyle(el).opacity));
    await race().locator('#race-legend li[data-name="adam"]').hover();
    expect(await opacity('#race polyline.trajectory[data-method="adam"]')).toBe(1);
    expect(await opacity('#race polyline.trajectory[data-method="gd"]')).toBeCloseTo(0.12, 5);
    expect(await opacity('#race-convergence polyline[data-name="gd"]')).toBeCloseTo(0.12, 5);
    await page.mouse.move(0, 0);
    expect(await opacity('#race polyline.trajectory[data-method="gd"]')).toBe(1);
  });

  it('stops a running 100,000-step race at once, saying so, and shows no results of it', async () => {
    await race().locator('input[name="maxIter"]').fill('100000');
    await race().locator('input[name="lr-gd"]').fill('1e-4');
    await race().locator('input[name="lr-adagrad"]').fill('1e-4');
    await race().locator('button[type="submit"]').click();
    await page.waitForTimeout(300);
    expect(await race().getAttribute('data-state')).toBe('running');
    const answer = await page.evaluate(
      () =>
        new Promise<{ ms: number; state: string }>((resolve) => {
          const t = performance.now();
          setTimeout(() => {
            document.querySelector<HTMLButtonElement>('#race button[name="stop"]')!.click();
            resolve({
              ms: performance.now() - t,
              state: document.querySelector<HTMLElement>('#race')!.dataset.state!,
            });
          }, 0);
        }),
    );
    expect(answer.state).toBe('stopped');
    expect(answer.ms).toBeLessThan(100);
    expect(await race().locator('.status').textContent()).toMatch(/^Race stopped before it finished/);
    await page.waitForTimeout(500);
    expect(await race().getAttribute('data-state')).toBe('stopped');
    expect(await race().locator('#race-results tbody tr').count()).toBe(0);
    expect(await race().locator('button[name="stop"]').isDisabled()).toBe(true);
    // and the next race runs as usual
    await race().locator('input[name="maxIter"]').fill('50');
    await run();
    expect(await race().getAttribute('data-state')).toBe('done');
    expect(errors).toEqual([]);
  });
});

describe('the critical-point explorer', () => {
  it("finds Rastrigin's 100 critical points in the compute worker, as in Node; the page's own chunk has no search in it", async () => {
    // findCriticalPoints and classifyCriticalPoint (and the kernels' eigh) are in the worker's chunk only
    const html = readFileSync(join(root, 'dist/index.html'), 'utf8');
    const main = readFileSync(join(root, 'dist', /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1]), 'utf8');
    expect(main).not.toContain('must be symmetric');
    expect(main).not.toContain('expected problem.dim');
    const section = page.locator('#critical');
    await page.locator('#critical[data-state="done"]').waitFor({ timeout: 60_000 });
    const rastrigin = getProblem('rastrigin');
    const expected = findCriticalPoints(rastrigin, rastrigin.domain, { pointsPerDim: 12 });
    await section.locator('select[name="problem"]').selectOption('rastrigin');
    await page.locator('#critical[data-state="done"]').waitFor({ timeout: 30_000 });
    expect(await section.locator('.critical-list li').count()).toBe(expected.length);
    const markers = await section.locator('.markers .marker').count();
    expect(markers).toBeGreaterThanOrEqual(expected.length);
    expect(errors).toEqual([]);
  });
});

describe('the network playground', () => {
  const section = () => page.locator('#training');
  const setup: TrainingSetup = {
    dataset: 'moons',
    n: 200,
    noise: 0.1,
    hidden: '16, 16',
    activation: 'tanh',
    optimizer: 'adam',
    lr: 0.01,
    batchSize: 32,
    epochs: 40,
    seed: 3,
    testFraction: 0.2,
    l1: 0.001,
    l2: 0.002,
    dropout: 0.2,
  };

  beforeAll(async () => {
    await page.locator('#training[data-state="done"]').waitFor({ timeout: 60_000 });
  });

  it("trains with L1, L2 and dropout as fit() does in Node, then draws the landscape and the Hessian's eigenvalues Node finds", async () => {
    for (const [name, value] of Object.entries(setup)) {
      const field = section().locator(`[name="${name}"]`);
      if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(String(value));
      else await field.fill(String(value));
    }
    await section().locator('button[type="submit"]').click();
    await page.locator('#training[data-state="done"]').waitFor({ timeout: 30_000 });
    const node = new Trainer(setup);
    while (!node.done) node.run(10);
    const loss = Number(await section().locator('output[name="loss"]').getAttribute('data-value'));
    expect(loss).toBeCloseTo(node.history.at(-1)!.loss, 5);
    // the same network's landscape in Node: the slices' seeds are the training seed's
    const expected = landscapeOf(node.model, node.train, { seed: setup.seed });
    node.free();
    const figure = section().locator('.landscape');
    await section().locator('.landscape[data-state="done"]').waitFor({ timeout: 30_000 });
    const lambdaMax = Number(await figure.getAttribute('data-lambda-max'));
    expect(Math.abs(lambdaMax - expected.largest[0]) / expected.largest[0]).toBeLessThan(1e-3);
    const eigenvalues = await figure
      .locator('.eigenvalues circle')
      .evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('data-value'))));
    expect(eigenvalues).toHaveLength(expected.largest.length + expected.smallest.length);
    // the 1-D slice has its 41 points, the 2-D slice its filled levels
    expect(await figure.locator('#landscape-1d path.series').getAttribute('data-points')).toBe('41');
    expect(await figure.locator('#landscape-2d .levels path').count()).toBeGreaterThan(5);
    expect(await figure.locator('.landscape-words').textContent()).toContain(`λ_max = `);
    expect(errors).toEqual([]);
  });

  it('refuses a dropout of 0.95, naming it, and trains nothing', async () => {
    await section().locator('input[name="dropout"]').fill('0.95');
    await section().locator('button[type="submit"]').click();
    expect(await section().getAttribute('data-state')).toBe('error');
    expect(await section().locator('p.status').textContent()).toBe(
      'Invalid dropout: "0.95" (expected a number from 0 to 0.9)',
    );
    await section().locator('input[name="dropout"]').fill('0');
  });
});
