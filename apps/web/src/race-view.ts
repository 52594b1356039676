/**
 * View 1, the optimizer race: a contour plot of the chosen function, one trajectory per chosen
 * optimizer drawn step by step from the same start (click the plot to move it), and a table of
 * steps to tolerance, evaluations and final loss (race.ts does the running).
 */
import type { Problem } from '@descent/core';
import { LineChart } from './line-chart.js';
import { ProblemPicker } from './problem-picker.js';
import { pathInside, type RaceRow, raceMethods, runRace, suggestedRates } from './race.js';
import type { Domain } from './surface.js';
import { SurfacePlot } from './surface-plot.js';
import { formatNumber } from './ticks.js';

function numberInput(name: string, value: number | string, width = '5.5em'): HTMLInputElement {
  const input = Object.assign(document.createElement('input'), {
    name,
    type: 'number',
    step: 'any',
    value: String(value),
  });
  input.style.width = width;
  return input;
}

export function raceView(): HTMLElement {
  const section = document.createElement('section');
  section.id = 'race';
  section.innerHTML = `<h2>Optimizer race</h2>
    <p class="lede">Every optimizer starts from the same point (click the plot to move it) and runs
    <code>minimize(f, x0, { method, lr })</code> until ‖∇f‖∞ ≤ tolerance. First-order methods use
    the fixed learning rate you set (suggested per function: 2/(L + μ) for SGD, from the largest
    and smallest curvature at the start; raise it to see divergence); L-BFGS and Newton choose their
    steps by line search.</p>
    <div class="view"><div class="plot-slot"></div><form class="controls" novalidate></form></div>
    <div class="view"><div class="chart-slot"></div><table class="results" id="race-results"><thead><tr><th>Optimizer</th><th>lr</th>
    <th title="iterations until ‖∇f‖∞ ≤ tolerance">steps to tol.</th><th>f evals</th><th>final loss</th>
    <th>‖∇f‖∞</th></tr></thead><tbody></tbody></table></div>`;
  const plot = new SurfacePlot(560, 440);
  section.querySelector('.plot-slot')!.append(plot.element);
  const convergence = new LineChart(520, 240, 'iteration k');
  convergence.element.id = 'race-convergence';
  section.querySelector('.chart-slot')!.append(convergence.element);
  const form = section.querySelector('form')!;
  const picker = new ProblemPicker('ill-conditioned');
  const startX = numberInput('x0', 0);
  const startY = numberInput('y0', 0);
  const gtol = numberInput('gtol', '1e-5');
  const maxIter = numberInput('maxIter', 500);
  const status = Object.assign(document.createElement('p'), { className: 'status', role: 'status' });
  const start = document.createElement('p');
  start.append('Start (', startX, ', ', startY, ')');
  const limits = document.createElement('p');
  limits.append('Tolerance ', gtol, ' max steps ', maxIter);

  const racers = document.createElement('table');
  racers.className = 'racers';
  const chosen = raceMethods.map((m) => {
    const row = racers.insertRow();
    row.dataset.method = m.method;
    const box = Object.assign(document.createElement('input'), {
      type: 'checkbox',
      checked: true,
      name: `use-${m.method}`,
    });
    const name = document.createElement('label');
    name.append(box, ` ${m.label}`);
    const swatch = Object.assign(document.createElement('span'), { className: 'swatch' });
    swatch.style.background = m.colour;
    row.insertCell().append(swatch, name);
    const lr = m.lr === undefined ? undefined : numberInput(`lr-${m.method}`, m.lr);
    row
      .insertCell()
      .append(
        lr ??
          Object.assign(document.createElement('span'), { className: 'muted', textContent: 'line search' }),
      );
    return { m, box, lr };
  });
  const run = Object.assign(document.createElement('button'), {
    type: 'submit',
    textContent: 'Run the race',
  });
  form.append(picker.element, start, limits, racers, run, status);

  let domain: Domain;
  let problem: Problem | undefined;
  let animation = 0;

  /** Shows the chosen function; false if it is invalid (the error is shown) or a newer choice replaced it. */
  const showProblem = async () => {
    try {
      const current = await picker.current();
      // a newer choice was made while this formula's module loaded: that one is shown instead
      if (!current) return false;
      plot.show((x) => current.problem.f(x), current.domain);
      problem = current.problem;
      domain = current.domain;
      startX.value = String(problem.x0[0]);
      startY.value = String(problem.x0[1]);
      const rates = suggestedRates(problem, problem.x0, domain);
      for (const { m, lr } of chosen) if (lr) lr.value = String(rates[m.method]);
      return true;
    } catch (e) {
      status.textContent = (e as Error).message;
      status.classList.add('error');
      section.dataset.state = 'error';
      return false;
    }
  };

  const race = () => {
    if (!problem) return;
    cancelAnimationFrame(animation);
    status.classList.remove('error');
    const x0 = [Number(startX.value), Number(startY.value)];
    if (startX.value.trim() === '' || startY.value.trim() === '' || !x0.every(Number.isFinite)) {
      status.textContent = `Invalid start: (${startX.value}, ${startY.value})`;
      status.classList.add('error');
      return;
    }
    let rows: RaceRow[];
    try {
      const entries = chosen
        .filter((c) => c.box.checked)
        .map(({ m, lr }) => ({
          method: m.method,
          lr: lr ? (lr.value.trim() === '' ? Number.NaN : Number(lr.value)) : undefined,
        }));
      rows = runRace(problem, x0, entries, { gtol: Number(gtol.value), maxIter: Number(maxIter.value) });
    } catch (e) {
      status.textContent = (e as Error).message;
      status.classList.add('error');
      return;
    }
    section.dataset.state = 'running';
    status.textContent = '';
    fillTable(section.querySelector<HTMLTableElement>('#race-results')!.tBodies[0], rows);
    plot.paths.replaceChildren();
    plot.markers.replaceChildren();
    for (const m of problem.minima)
      plot.marker(m.x[0], m.x[1], 'minimum', `minimum f = ${formatNumber(m.f)}`);
    plot.marker(x0[0], x0[1], 'start', 'start');
    const lines = rows.map((r) => {
      const colour = raceMethods.find((m) => m.method === r.method)!.colour;
      return { path: pathInside(r.path, domain), line: plot.polyline([], colour) };
    });
    lines.forEach(({ line }, k) => {
      line.dataset.method = rows[k].method;
    });
    drawConvergence(
      convergence,
      problem,
      rows,
      lines.map((l) => l.path.length),
    );
    const longest = Math.max(1, ...lines.map((l) => l.path.length));
    const frames = 90;
    let frame = 0;
    const tick = () => {
      frame++;
      const upTo = Math.ceil((longest * frame) / frames);
      for (const { path, line } of lines) {
        const shown = path.slice(0, upTo);
        line.setAttribute(
          'points',
          shown
            .map((p) =>
              plot
                .toPx(p[0], p[1])
                .map((v) => v.toFixed(1))
                .join(','),
            )
            .join(' '),
        );
      }
      if (frame < frames) animation = requestAnimationFrame(tick);
      else section.dataset.state = 'done';
    };
    animation = requestAnimationFrame(tick);
  };

  picker.onChange(async () => {
    if (await showProblem()) race();
  });
  plot.onPick((x, y) => {
    const digits = Math.max(0, 2 - Math.floor(Math.log10(domain[0][1] - domain[0][0])));
    startX.value = x.toFixed(digits);
    startY.value = y.toFixed(digits);
    race();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    race();
  });
  requestAnimationFrame(async () => {
    if (await showProblem()) race();
  });
  return section;
}

/**
 * Loss against iteration for every racer, on the part of its path inside the plot: log₁₀(f − f*)
 * when the problem's minimum f* is known (a straight line is linear convergence, a cliff is
 * Newton's quadratic one), f itself otherwise.
 */
function drawConvergence(chart: LineChart, problem: Problem, rows: RaceRow[], shown: number[]): void {
  const best = problem.minima.length > 0 ? Math.min(...problem.minima.map((m) => m.f)) : undefined;
  chart.yLabel = best === undefined ? 'f(x_k)' : 'log₁₀(f(x_k) − f*)';
  chart.draw(
    rows.map((r, k) => ({
      name: r.method,
      colour: raceMethods.find((m) => m.method === r.method)!.colour,
      values: r.losses
        .slice(0, shown[k])
        .map((f) => (best === undefined ? f : Math.log10(Math.max(f - best, 1e-17)))),
    })),
  );
}

function fillTable(body: HTMLTableSectionElement, rows: RaceRow[]): void {
  body.replaceChildren();
  for (const r of rows) {
    const m = raceMethods.find((x) => x.method === r.method)!;
    const tr = body.insertRow();
    tr.dataset.method = r.method;
    const cell = (text: string, className: string) => {
      const td = tr.insertCell();
      td.className = className;
      td.textContent = text;
      return td;
    };
    const name = cell('', 'name');
    const swatch = Object.assign(document.createElement('span'), { className: 'swatch' });
    swatch.style.background = m.colour;
    name.append(swatch, m.label);
    cell(r.lr === undefined ? '—' : formatNumber(r.lr), 'lr');
    if (r.error) {
      const td = cell(r.error, 'error');
      td.colSpan = 4;
      continue;
    }
    const steps = cell(
      r.stepsToTolerance !== null
        ? String(r.stepsToTolerance)
        : r.message.startsWith('Diverged')
          ? `diverged at ${r.iterations}`
          : `> ${r.iterations}`,
      'steps',
    );
    steps.dataset.value = String(r.stepsToTolerance ?? '');
    steps.title = r.message;
    if (r.stepsToTolerance === null) steps.classList.add('missed');
    cell(String(r.evaluations), 'evals');
    const loss = cell(formatNumber(r.finalLoss), 'loss');
    loss.dataset.value = String(r.finalLoss);
    cell(formatNumber(r.finalGradNorm, 2), 'grad');
  }
}
