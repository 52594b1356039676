/**
 * The demo page's defects of issue 16, each checked in headless Chromium against the built site:
 * a responsive main thread while training (longtask observer) and a Stop that answers at once, a
 * 100,000-step race, divergence said and drawn, input validation, labels, phone widths, a sub-path,
 * and the state in the URL. Screenshots of every panel go to /tmp/web-shots/.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getProblem } from '@descent/core';
import type { Page } from 'playwright-core';
import { preview } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subgradientExperiment } from '../src/convergence.js';
import { type RaceEntry, runRace } from '../src/race.js';
import { optimizerOptions, racerParameters } from '../src/racer-settings.js';
import type { Domain } from '../src/surface.js';
import { tuneRates } from '../src/tune.js';
import { openBuiltPage, type PageSession } from './browser.js';
import { longTasksSince, mainThreadTasks, watchLongTasks } from './main-thread.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const shots = '/tmp/web-shots';
const quadratic = getProblem('ill-conditioned');
let session: PageSession;

async function newPage(
  width: number,
  height: number,
  url = session.url,
): Promise<{ page: Page; errors: string[] }> {
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

/** The ids of every panel on the page (the notes' panels too). */
const panels = (page: Page) => page.$$eval('main > section', (sections) => sections.map((s) => s.id));

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  session = await openBuiltPage(root);
  // the session's own page would train and race beside the pages measured here
  await session.page.goto('about:blank');
}, 120_000);

afterAll(async () => {
  await session?.close();
});

describe('the demo page keeps its main thread free', () => {
  it('loads without freezing, then trains 1,000 points through a 256x256 network with no main-thread task over 50 ms, and stops within 100 ms', async () => {
    const { page, errors } = await newPage(1366, 900);
    const section = page.locator('#training');
    await page.locator('#training[data-state="done"]').waitFor({ timeout: 60_000 });
    // the first load: no task near a freeze (the old page held the main thread 0.5-1.2 s). Wall time:
    // ~100-160 ms on a quiet machine, up to ~340 ms seen with other jobs on the 2 cores, so the cap
    // sits just under the old freeze rather than at the quiet figure.
    const loading = await longTasksSince(page, 0);
    expect(Math.max(0, ...loading.map(([, d]) => d)), JSON.stringify(loading)).toBeLessThan(480);
    await section.locator('select[name="dataset"]').selectOption('moons');
    await section.locator('input[name="n"]').fill('1000');
    await section.locator('input[name="hidden"]').fill('256, 256');
    await section.scrollIntoViewIfNeeded();
    const t0 = await page.evaluate(() => performance.now());
    const tasks = await mainThreadTasks(page, async () => {
      await section.locator('button[type="submit"]').click();
      await expect
        .poll(() => section.locator('output[name="epoch"]').textContent(), { timeout: 20_000 })
        .toMatch(/^([3-9]|\d\d+) \//);
      await page.waitForTimeout(2000);
    });
    expect(tasks.length).toBeGreaterThan(50);
    const cpu = Math.max(...tasks.map((t) => t.cpu));
    expect(cpu, 'the longest main-thread task, in ms of CPU').toBeLessThan(50);
    // and the longtask observer, in wall time: nothing near a freeze (the old page: 200-733 ms tasks;
    // the strict 50 ms bound above is on CPU time, which other jobs on the machine do not inflate)
    const long = await longTasksSince(page, t0);
    expect(Math.max(0, ...long.map(([, d]) => d)), JSON.stringify(long)).toBeLessThan(400);
    // Stop: a task queued now runs, and the click is handled, within 100 ms
    const answer = await page.evaluate(
      () =>
        new Promise<{ ms: number; state: string }>((resolve) => {
          const t = performance.now();
          setTimeout(() => {
            document.querySelector<HTMLButtonElement>('#training button[type="button"]')!.click();
            resolve({
              ms: performance.now() - t,
              state: document.querySelector<HTMLElement>('#training')!.dataset.state!,
            });
          }, 0);
        }),
    );
    expect(answer.state).toBe('stopped');
    expect(answer.ms).toBeLessThan(100);
    const epoch = await section.locator('output[name="epoch"]').textContent();
    expect(await section.locator('.status').textContent()).toMatch(/^Stopped at epoch \d+\.$/);
    await page.waitForTimeout(600);
    expect(await section.locator('output[name="epoch"]').textContent()).toBe(epoch);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('the race says what happened, whatever the input', () => {
  let page: Page;
  let errors: string[];
  const race = () => page.locator('#race');
  const run = async () => {
    await race().locator('button[type="submit"]').click();
    await page.locator('#race[data-state="done"], #race[data-state="error"]').waitFor({ timeout: 60_000 });
  };
  const steps = (method: string) => race().locator(`#race-results tr[data-method="${method}"] td.steps`);

  beforeAll(async () => {
    ({ page, errors } = await newPage(1366, 900));
    await page.locator('#race[data-state="done"]').waitFor({ timeout: 60_000 });
  });
  afterAll(async () => {
    await page.close();
  });

  it('finishes a 100,000-step race and refuses 100,001 with a message', async () => {
    await race().locator('input[name="maxIter"]').fill('100000');
    await race().locator('input[name="lr-gd"]').fill('1e-4');
    await run();
    expect(await steps('gd').textContent()).toBe('> 100000');
    expect(await race().locator('#race-convergence polyline[data-name="gd"]').getAttribute('points')).toMatch(
      /\d/,
    );
    await race().locator('input[name="maxIter"]').fill('100001');
    await run();
    expect(await race().locator('.status').textContent()).toBe(
      'Invalid max steps: "100001" (expected an integer from 1 to 100000)',
    );
    expect(await race().locator('#race-results tbody tr').count()).toBe(0);
    await race().locator('input[name="maxIter"]').fill('500');
  });

  it('says SGD at lr 0.55 > 2/L = 0.5 diverged at step 14 and draws its path out to the plot edge', async () => {
    await race().locator('input[name="lr-gd"]').fill('0.55');
    await run();
    expect(await steps('gd').textContent()).toBe('diverged at step 14');
    expect(await race().locator('tr[data-method="gd"] .hint').textContent()).toBe('stable below 2/L = 0.5');
    expect(await steps('gd').getAttribute('title')).toContain('above 2/L = 0.5');
    // the path's last point lies beyond the plot area (the clip ends the line at the edge)
    const { last, box } = await page.evaluate(() => {
      const svg = document.querySelector<SVGSVGElement>('#race .plot-slot .surface-plot svg')!;
      const pts = svg.querySelector('polyline[data-method="gd"]')!.getAttribute('points')!.split(' ');
      const frame = svg.querySelector('.frame')!;
      const y = Number(frame.getAttribute('y'));
      return { last: pts.at(-1)!.split(',').map(Number), box: [y, y + Number(frame.getAttribute('height'))] };
    });
    expect(last[1] < box[0] || last[1] > box[1]).toBe(true);
    // and its loss curve runs to the divergence: f(x_0) .. f(x_14)
    const curve = await race().locator('#race-convergence polyline[data-name="gd"]').getAttribute('points');
    expect(curve!.split(' ')).toHaveLength(15);
  });

  it('refuses a start outside the plot and a race with no optimizer ticked, saying why', async () => {
    await race().locator('input[name="lr-gd"]').fill('0.4');
    await race().locator('input[name="x0"]').fill('100');
    await run();
    expect(await race().locator('.status').textContent()).toContain(
      'is outside the plot [-12, 12] × [-3, 3]',
    );
    expect(await race().locator('#race-results tbody tr').count()).toBe(0);
    await race().locator('input[name="x0"]').fill('10');
    for (const box of await race().locator('.racers input[type="checkbox"]').all()) await box.uncheck();
    await run();
    expect(await race().locator('.status').textContent()).toBe('Tick at least one optimizer to race');
    // the eight classic racers again (features.test.ts races all 24)
    const boxes = await race().locator('.racers input[type="checkbox"]').all();
    for (const box of boxes.slice(0, 8)) await box.check();
    await run();
    expect(await race().locator('#race-results tbody tr').count()).toBe(8);
  });

  it('races momentum with the β set on its slider, as minimize does in Node, and moves the 2(1+β)/L hint', async () => {
    await race().locator('input[name="beta-momentum"]').fill('0.5');
    await page.locator('#race[data-state="done"]').waitFor();
    expect(await race().locator('tr[data-method="momentum"] .hint').textContent()).toBe(
      'below 2(1+β)/L = 0.75',
    );
    const lr = Number(await race().locator('input[name="lr-momentum"]').inputValue());
    const [expected] = runRace(quadratic, quadratic.x0, [
      { method: 'momentum', lr, options: { momentum: 0.5 } },
    ]);
    await expect
      .poll(() => steps('momentum').getAttribute('data-value'))
      .toBe(String(expected.stepsToTolerance));
    await race().locator('input[name="beta-momentum"]').fill('0.9');
    await page.locator('#race[data-state="done"]').waitFor();
  });

  it("draws heavy-ball momentum's (α, β) plane with the racer on it, and a click there moves the racer", async () => {
    const figure = race().locator('.momentum-figure');
    // lr 0.13, β 0.9 on curvatures 0.2 and 4: ρ = max over λ of the iteration matrix's spectral radius
    const rate = Number(await figure.locator('figcaption').getAttribute('data-rate'));
    expect(rate).toBeCloseTo(Math.sqrt(0.9), 6); // both ends complex: |z| = √β
    expect(await figure.locator('.marker-probe').count()).toBe(1);
    await figure.scrollIntoViewIfNeeded();
    const box = (await figure.locator('svg').boundingBox())!;
    // the plot area is x in [0, 4/L = 1], y in [0, 1]: click near α = 0.5, β = 0.2
    const [left, right, top, bottom] = [46, 10, 10, 30].map((v, i) =>
      i < 2 ? (v * box.width) / 340 : (v * box.height) / 240,
    );
    await page.mouse.click(
      box.x + left + 0.5 * (box.width - left - right),
      box.y + top + 0.8 * (box.height - top - bottom),
    );
    await page.locator('#race[data-state="done"]').waitFor();
    expect(Number(await race().locator('input[name="lr-momentum"]').inputValue())).toBeCloseTo(0.5, 1);
    expect(Number(await race().locator('input[name="beta-momentum"]').inputValue())).toBeCloseTo(0.2, 1);
    await race().locator('input[name="lr-momentum"]').fill('0.13');
    await race().locator('input[name="beta-momentum"]').fill('0.9');
    await page.locator('#race[data-state="done"]').waitFor();
  });

  it("tunes every racer's rate on this function as tuneRates does in Node, then races with them", async () => {
    const methods = ['gd', 'momentum', 'nesterov', 'adam', 'rmsprop', 'adagrad'];
    const entries: RaceEntry[] = [];
    for (const method of methods) {
      const lr = Number(await race().locator(`input[name="lr-${method}"]`).inputValue());
      const defaults = Object.fromEntries((racerParameters[method] ?? []).map((p) => [p.key, p.value]));
      entries.push({ method, lr, options: optimizerOptions(method, defaults) });
    }
    const expected = tuneRates(quadratic, quadratic.domain as Domain, quadratic.x0, entries);
    await race().locator('button[name="tune"]').click();
    await page.locator('#race[data-state="done"]').waitFor({ timeout: 60_000 });
    for (const method of methods) {
      expect(Number(await race().locator(`input[name="lr-${method}"]`).inputValue()), method).toBe(
        expected[method],
      );
      expect(
        Number(await race().locator(`#race-results tr[data-method="${method}"] td.lr`).textContent()),
        method,
      ).toBe(expected[method]);
    }
    expect(await race().locator('.status').textContent()).toMatch(/^Tuned on this function: SGD /);
  });

  it('plays, pauses, steps and scrubs the race, the chart in step with the paths', async () => {
    await race().locator('input[name="scrub"]').fill('3');
    expect(await race().locator('output[name="shown-step"]').textContent()).toBe('k = 3');
    const pathPoints = await race().locator('polyline.trajectory[data-method="gd"]').getAttribute('points');
    expect(pathPoints!.split(' ')).toHaveLength(4);
    const curve = await race().locator('#race-convergence polyline[data-name="gd"]').getAttribute('points');
    expect(curve!.split(' ')).toHaveLength(4);
    await race().locator('button[name="step"]').click();
    expect(await race().locator('output[name="shown-step"]').textContent()).toBe('k = 4');
    await race().locator('button[name="play"]').click();
    await page.locator('#race[data-state="done"]').waitFor();
    expect(await race().locator('output[name="shown-step"]').textContent()).toBe(
      `k = ${await race().locator('input[name="scrub"]').getAttribute('max')}`,
    );
    // a legend names every racer on the chart
    expect(await race().locator('#race-legend li .legend-label').allTextContents()).toEqual([
      'SGD',
      'Momentum',
      'Nesterov',
      'Adam',
      'RMSprop',
      'Adagrad',
      'L-BFGS',
      'Newton',
    ]);
  });

  it('keeps the error of an invalid formula after Enter instead of rerunning the previous function', async () => {
    await race().locator('select[name="problem"]').selectOption('expression');
    await page.locator('#race[data-state="done"]').waitFor();
    await race().locator('input[name="expression"]').fill('x^2 + ');
    await race().locator('input[name="expression"]').press('Enter');
    await page.locator('#race[data-state="error"]').waitFor();
    await page.waitForTimeout(300);
    expect(await race().getAttribute('data-state')).toBe('error');
    expect(await race().locator('.status').textContent()).not.toBe('');
    expect(await race().locator('#race-results tbody tr').count()).toBe(0);
    expect(await race().locator('polyline.trajectory').count()).toBe(0);
    await race().locator('input[name="expression"]').fill('x^2 + 3*y^2');
    await race().locator('input[name="expression"]').press('Enter');
    await page.locator('#race[data-state="done"]').waitFor();
    expect(await steps('newton').getAttribute('data-value')).toBe('1');
    await race().locator('select[name="problem"]').selectOption('ill-conditioned');
    await page.locator('#race[data-state="done"]').waitFor();
  });

  it('clears the critical-point readout when the point is invalid', async () => {
    const section = page.locator('#critical');
    await page.locator('#critical[data-state="done"]').waitFor();
    expect(await section.locator('output[name="kind"]').textContent()).toBe('saddle');
    await section.locator('input[name="px"]').fill('');
    await section.locator('button[type="submit"]').click();
    expect(await section.locator('.status').textContent()).toBe(
      'Invalid point: (, 0) (expected two numbers)',
    );
    for (const name of ['f', 'gradient', 'hessian', 'eigenvalues', 'kind'])
      expect(await section.locator(`output[name="${name}"]`).textContent(), name).toBe('—');
    await section.locator('input[name="px"]').fill('0');
    await section.locator('button[type="submit"]').click();
    await page.locator('#critical[data-state="done"]').waitFor();
    expect(await section.locator('output[name="kind"]').textContent()).toBe('saddle');
  });

  it('refuses to train with an empty learning rate, naming it', async () => {
    const section = page.locator('#training');
    await page.locator('#training[data-state="done"]').waitFor({ timeout: 60_000 });
    await section.locator('input[name="lr"]').fill('');
    await section.locator('button[type="submit"]').click();
    expect(await section.getAttribute('data-state')).toBe('error');
    expect(await section.locator('.status').textContent()).toBe('Invalid lr: "" (expected a number > 0)');
    await section.locator('input[name="lr"]').fill('0.01');
  });

  it('gives every input a label and shows every number whole', async () => {
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select'))
        .filter((el) => (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.name),
    );
    expect(unlabelled).toEqual([]);
    const cut = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement>('input.number'))
        .filter((el) => el.offsetParent !== null && el.scrollWidth > el.clientWidth + 1)
        .map((el) => `${el.name}=${el.value}`),
    );
    expect(cut).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('restores a shared URL: the same function, start, rates and results', async () => {
    const race = page.locator('#race');
    await race.locator('select[name="problem"]').selectOption('rosenbrock');
    await page.locator('#race[data-state="done"]').waitFor();
    await race.locator('input[name="x0"]').fill('-1');
    await race.locator('input[name="y0"]').fill('2');
    await race.locator('input[name="lr-adam"]').fill('0.02');
    await race.locator('input[name="use-rmsprop"]').uncheck();
    await race.locator('button[type="submit"]').click();
    await page.locator('#race[data-state="done"]').waitFor();
    await page.locator('#critical input[name="px"]').fill('1');
    await page.locator('#critical button[type="submit"]').click();
    await page.locator('#schedules select[name="schedule"]').selectOption('exponential');
    const table = () => race.locator('#race-results tbody').textContent();
    const before = await table();
    await page.waitForTimeout(100);
    const url = page.url();
    expect(url).toContain('rosenbrock');
    const shared = await newPage(1366, 900, url);
    const again = shared.page.locator('#race');
    await shared.page.locator('#race[data-state="done"]').waitFor({ timeout: 60_000 });
    expect(await again.locator('select[name="problem"]').inputValue()).toBe('rosenbrock');
    expect(await again.locator('input[name="x0"]').inputValue()).toBe('-1');
    expect(await again.locator('input[name="lr-adam"]').inputValue()).toBe('0.02');
    expect(await again.locator('input[name="use-rmsprop"]').isChecked()).toBe(false);
    expect(await again.locator('#race-results tbody').textContent()).toBe(before);
    await expect.poll(() => shared.page.locator('#critical input[name="px"]').inputValue()).toBe('1');
    expect(await shared.page.locator('#schedules select[name="schedule"]').inputValue()).toBe('exponential');
    expect(shared.errors).toEqual([]);
    await shared.page.close();
    await race.locator('input[name="use-rmsprop"]').check();
    await race.locator('select[name="problem"]').selectOption('ill-conditioned');
    await page.locator('#race[data-state="done"]').waitFor();
    await page.locator('#critical input[name="px"]').fill('0');
    await page.locator('#critical button[type="submit"]').click();
  });
  it('overlays kept schedule curves, and draws exponential decay as a straight line on the log axis', async () => {
    const section = page.locator('#schedules');
    await section.locator('select[name="schedule"]').selectOption('cosine-warm-restarts');
    await section.locator('button[name="keep"]').click();
    await section.locator('select[name="schedule"]').selectOption('one-cycle');
    await section.locator('button[name="keep"]').click();
    await section.locator('select[name="schedule"]').selectOption('exponential');
    await section.locator('input[name="log"]').check();
    expect(await section.locator('polyline.series').count()).toBe(3);
    expect(await section.locator('#schedule-legend li').count()).toBe(3);
    // log₁₀(η₀ γ^t) = log₁₀ η₀ + t log₁₀ γ: every point on the line through the first and the last
    const points = (await section.locator('polyline[data-name="current"]').getAttribute('points'))!
      .split(' ')
      .map((p) => p.split(',').map(Number));
    const [[x0, y0], [x1, y1]] = [points[0], points.at(-1)!];
    for (const [x, y] of points) expect(y).toBeCloseTo(y0 + ((x - x0) * (y1 - y0)) / (x1 - x0), 0);
    await section.locator('input[name="log"]').uncheck();
    await section.locator('button[name="clear"]').click();
    expect(await section.locator('polyline.series').count()).toBe(1);
    await section.locator('select[name="schedule"]').selectOption('cosine-warm-restarts');
  });

  it('runs the 1/√T experiment as Node does, under its bound, and redraws it for a new σ', async () => {
    const section = page.locator('#convergence');
    const gaps = () =>
      section
        .locator('#convergence-results tbody tr')
        .evaluateAll((rows) => rows.map((r) => Number(r.dataset.gap)));
    const Ts = [10, 30, 100, 300, 1000, 3000, 10000];
    // the same seeded runs (Math.log and Math.cos may differ in the last bit between engines)
    const same = async (sigma: number) => {
      const page = await gaps();
      const node = subgradientExperiment(Ts, sigma, 10);
      expect(page).toHaveLength(Ts.length);
      page.forEach((g, i) => {
        expect(Math.abs(g - node[i].gap) / node[i].gap).toBeLessThan(1e-9);
        expect(g).toBeLessThanOrEqual(node[i].bound);
      });
    };
    await same(1);
    expect(await section.locator('#convergence-chart polyline.series').count()).toBe(2);
    await section.locator('input[name="sigma"]').fill('0.2');
    await section.locator('input[name="sigma"]').press('Enter');
    await same(0.2);
    await section.locator('input[name="sigma"]').fill('-1');
    await section.locator('input[name="sigma"]').press('Enter');
    expect(await section.locator('.status').textContent()).toBe(
      'Invalid σ: "-1" (expected a number from 0 to 100)',
    );
    await section.locator('input[name="sigma"]').fill('1');
    await section.locator('input[name="sigma"]').press('Enter');
  });

  it('saves a screenshot of each panel at 1366x900', async () => {
    for (const id of await panels(page)) {
      await page.locator(`#${id}`).screenshot({ path: `${shots}/${id}-1366.png` });
    }
  });
});

describe('the network playground', () => {
  let page: Page;
  let errors: string[];
  const section = () => page.locator('#training');
  beforeAll(async () => {
    ({ page, errors } = await newPage(1366, 900));
    await page.locator('#training[data-state="done"]').waitFor({ timeout: 60_000 });
  });
  afterAll(async () => {
    await page.close();
  });

  it('learns the moons to at least 95% accuracy on held-out points within 20 s', async () => {
    await section().locator('select[name="dataset"]').selectOption('moons');
    const started = Date.now();
    await section().locator('button[type="submit"]').click();
    await expect
      .poll(
        async () => Number(await section().locator('output[name="testAccuracy"]').getAttribute('data-value')),
        {
          timeout: 20_000,
          interval: 100,
        },
      )
      .toBeGreaterThanOrEqual(0.95);
    expect(Date.now() - started).toBeLessThan(20_000);
    // 60 of the 300 points are held out, drawn hollow
    const held = await section()
      .locator('path.dots.test')
      .evaluateAll((ps) => ps.map((p) => Number(p.dataset.count)));
    expect(held.reduce((a, b) => a + b, 0)).toBe(60);
  });

  it('shows the gradient vanishing towards the first layer of a deep sigmoid network', async () => {
    await section().locator('select[name="activation"]').selectOption('sigmoid');
    await section().locator('input[name="hidden"]').fill('16, 16, 16, 16');
    await section().locator('input[name="epochs"]').fill('20');
    await section().locator('button[type="submit"]').click();
    await page.locator('#training[data-state="done"]').waitFor({ timeout: 30_000 });
    const lastY = (layer: string) =>
      section()
        .locator(`#training-gradients polyline[data-name="${layer}"]`)
        .getAttribute('points')
        .then((p) => Number(p!.split(' ').at(-1)!.split(',')[1]));
    // five layers; the first's norm (larger y = smaller value) under the last's
    expect(await section().locator('#training-gradients polyline.series').count()).toBe(5);
    expect(await lastY('dense0')).toBeGreaterThan(await lastY('dense4'));
    expect(errors).toEqual([]);
  });
});

describe('the page anywhere', () => {
  it('fits a 360-pixel-wide phone: nothing wider than the screen, plots scaled to it (screenshots at 390x844)', async () => {
    const { page, errors } = await newPage(360, 800);
    await page.locator('#training[data-state="done"]').waitFor({ timeout: 60_000 });
    await page.locator('#race[data-state="done"]').waitFor({ timeout: 60_000 });
    // the trained network's landscape too
    await page.locator('#training .landscape[data-state="done"]').waitFor({ timeout: 60_000 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const rights = await page.evaluate(() =>
      Array.from(
        document.querySelectorAll(
          '.surface-plot, svg.line-chart, svg.landscape-chart, .chart-legend, section',
        ),
        (el) => Math.round(el.getBoundingClientRect().right),
      ),
    );
    for (const right of rights) expect(right).toBeLessThanOrEqual(360);
    expect(errors).toEqual([]);
    // the same page on a 390-pixel phone, panel by panel
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    for (const id of await panels(page)) {
      await page.locator(`#${id}`).screenshot({ path: `${shots}/${id}-390.png` });
    }
    await page.close();
  });

  it('works under a sub-path (/descent/), as a project site serves it', async () => {
    const server = await preview({
      root,
      base: '/descent/',
      preview: { port: 0, host: '127.0.0.1' },
      logLevel: 'error',
    });
    try {
      const address = server.httpServer.address();
      if (!address || typeof address === 'string') throw new Error('vite preview did not bind a port');
      const { page, errors } = await newPage(1366, 900, `http://127.0.0.1:${address.port}/descent/`);
      await page.locator('#kernels output').waitFor({ timeout: 30_000 });
      await page.locator('#race[data-state="done"]').waitFor({ timeout: 60_000 });
      await page.locator('#training[data-state="done"]').waitFor({ timeout: 60_000 });
      expect(
        await page.locator('#race-results tr[data-method="newton"] td.steps').getAttribute('data-value'),
      ).toBe('1');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await new Promise<void>((resolve) => server.httpServer.close(() => resolve()));
    }
  });
});
