/**
 * View 1, the optimizer race: a contour plot of the chosen function, one trajectory per chosen
 * optimizer from the same start (click the plot to move it), the loss chart in step with the
 * paths (play, pause, step, scrub), and a table of steps to tolerance, evaluations and final loss.
 * The race runs in the compute worker (race.ts there, race-trace.ts for what is drawn).
 */
import type { Problem } from '@descent/core';
import { ComputeClient } from './compute-client.js';
import { parseNumber } from './form-values.js';
import { MomentumFigure } from './momentum-figure.js';
import { ProblemPicker } from './problem-picker.js';
import type { ProblemSpec } from './problem-spec.js';
import { MAX_STEPS, suggestedRates } from './race.js';
import { RacePlayer } from './race-player.js';
import { RaceResults } from './race-results.js';
import { showThresholds } from './race-thresholds.js';
import { type CopyState, numberInput, RacerList, type RacerState } from './racer-list.js';
import type { Domain } from './surface.js';
import { SurfacePlot } from './surface-plot.js';
import { formatNumber } from './ticks.js';

function labelled(text: string, input: HTMLElement): HTMLLabelElement {
  const label = document.createElement('label');
  label.append(`${text} `, input);
  return label;
}

export interface RaceState {
  problem: ProblemSpec;
  x0: [string, string];
  gtol: string;
  maxIter: string;
  racers: Record<string, RacerState>;
  /** Copies of first-order racers, each with settings of its own. */
  copies?: CopyState[];
}

export type RaceViewElement = HTMLElement & {
  /** The view's inputs, for the URL. */
  state(): RaceState;
  /** Sets the inputs given (the function's own start and rates for the others) and runs the race. */
  restore(s: Partial<RaceState>): void;
};

/** The race view; `onChange` is called whenever a race starts (its inputs are then the view's state). */
export function raceView(onChange: () => void = () => {}): RaceViewElement {
  const section = document.createElement('section');
  section.id = 'race';
  section.innerHTML = `<h2>Optimizer race</h2>
    <p class="lede">Every optimizer starts from the same point (click the plot to move it) and runs
    <code>minimize(f, x0, { method, lr })</code> until ‖∇f‖∞ ≤ tolerance. First-order methods use
    the fixed learning rate you set (suggested per function: 2/(L + μ) for SGD, from the largest
    and smallest curvature at the start; raise it above 2/L to see divergence); L-BFGS and Newton
    choose their steps by line search. The + beside a rate races another copy of that optimizer
    with settings of its own (two Adams, lr 0.01 and 0.1); Stop ends a long race.</p>
    <div class="view"><div class="plot-slot"></div><form class="controls" novalidate></form></div>
    <div class="view"><div class="chart-slot"><div class="player"></div></div>
    <div class="table-slot"><table class="results" id="race-results"><thead><tr><th>Optimizer</th><th>lr</th>
    <th title="iterations until ‖∇f‖∞ ≤ tolerance">steps to tol.</th><th>f evals</th><th>final loss</th>
    <th>‖∇f‖∞</th></tr></thead><tbody></tbody></table></div></div>
    <p class="explain">How to read it: on the contour plot each coloured line is one optimizer's
    path x₀, x₁, … from the white start towards the green minimum. The chart below it is the same
    race seen as numbers: log₁₀ of how far f still is above its minimum, step by step. A straight
    falling line is linear convergence (the error shrinks by the same factor every step); Newton's
    cliff is quadratic convergence. On the ill-conditioned bowl 0.1 x² + 2 y² the curvature is 20
    times larger across the valley than along it, so plain SGD must keep its step below 2/L (L the
    largest curvature) or the across-valley error grows by |1 − lr·L| > 1 at every step: it
    diverges. Momentum and Adam get along the valley faster for different reasons: momentum
    accumulates the steady along-valley gradient, Adam rescales each coordinate by its typical size.
    Point at a name in the legend to single that racer out; race two copies of one optimizer (the +)
    to see what a single setting changes, everything else equal.</p>`;
  const plot = new SurfacePlot(560, 440);
  section.querySelector('.plot-slot')!.append(plot.element);
  const results = new RaceResults(section, plot);
  const chartSlot = section.querySelector<HTMLElement>('.chart-slot')!;
  // the chart under the plot, in the same column (the racers' list beside them is long)
  // and the table under the chart: the race's results in one column beside its inputs
  const tableSlot = section.querySelector<HTMLElement>('.table-slot')!;
  tableSlot.parentElement!.remove();
  section.querySelector('.plot-slot')!.append(chartSlot, tableSlot);
  const form = section.querySelector('form')!;
  const picker = new ProblemPicker('ill-conditioned');
  const startX = numberInput('x0', 0, 'start x');
  const startY = numberInput('y0', 0, 'start y');
  const gtol = numberInput('gtol', '1e-5', 'tolerance');
  const maxIter = numberInput('maxIter', 500, 'max steps');
  const status = Object.assign(document.createElement('p'), { className: 'status', role: 'status' });
  const start = document.createElement('p');
  start.append('Start (', startX, ', ', startY, ')');
  const limits = document.createElement('p');
  limits.append(labelled('Tolerance', gtol), ' ', labelled('max steps', maxIter));

  const racers = new RacerList(
    () => race(),
    () => race(),
  );
  const run = Object.assign(document.createElement('button'), {
    type: 'submit',
    textContent: 'Run the race',
  });
  const tune = Object.assign(document.createElement('button'), {
    type: 'button',
    name: 'tune',
    textContent: 'Tune the rates',
    title: 'try 13 rates per racer on this function and keep the fastest, so the race is fair',
  });
  const stop = Object.assign(document.createElement('button'), {
    type: 'button',
    name: 'stop',
    textContent: 'Stop',
    disabled: true,
    title: 'end the race or the tuning now',
  });
  const buttons = document.createElement('p');
  buttons.className = 'buttons';
  buttons.append(run, ' ', tune, ' ', stop);
  const momentum = new MomentumFigure();
  form.append(picker.element, start, limits, racers.element, buttons, status, momentum.element);

  const worker = new ComputeClient();
  let domain: Domain;
  let problem: Problem | undefined;
  let shownKey = '';
  /** What the last tuning chose, said when its race is shown. */
  let tunedNote = '';

  const fail = (message: string) => {
    stop.disabled = true;
    status.textContent = message;
    status.classList.add('error');
    section.dataset.state = 'error';
  };

  /** A job has started in the worker: Stop can end it. */
  const busy = (state: string, message: string) => {
    section.dataset.state = state;
    status.classList.remove('error');
    status.textContent = message;
    stop.disabled = false;
  };

  /** Shows the chosen function; false if it is invalid (the error is shown, old results cleared) or superseded. */
  const showProblem = async (fresh: boolean) => {
    try {
      const current = await picker.current();
      // a newer choice was made while this formula's module loaded: that one is shown instead
      if (!current) return false;
      plot.show((x) => current.problem.f(x), current.domain);
      problem = current.problem;
      domain = current.domain;
      shownKey = JSON.stringify(current.spec);
      if (fresh) {
        startX.value = formatNumber(problem.x0[0], 6);
        startY.value = formatNumber(problem.x0[1], 6);
        const rates = suggestedRates(problem, problem.x0, domain);
        // a copy keeps its ratio to its method's first racer (two Adams 10x apart stay 10x apart)
        const before = new Map(racers.racers.map((r) => [r.key, Number(r.lr?.value)]));
        for (const r of racers.racers) {
          if (!r.lr) continue;
          const ratio = r.copy ? before.get(r.key)! / before.get(r.m.method)! : 1;
          const rate = rates[r.m.method] * (Number.isFinite(ratio) && ratio > 0 ? ratio : 1);
          r.lr.value = String(Number(rate.toPrecision(2)));
        }
      }
      return true;
    } catch (e) {
      problem = undefined;
      shownKey = '';
      worker.stop();
      player.halt();
      results.clear();
      fail((e as Error).message);
      return false;
    }
  };

  const player = new RacePlayer(
    section.querySelector<HTMLElement>('.player')!,
    (s) => results.drawStep(s),
    (state) => {
      section.dataset.state = state;
    },
  );

  /** The race's inputs, checked; undefined (with the reason shown and old results cleared) if one is invalid. */
  const inputs = () => {
    if (!problem) return undefined;
    player.halt();
    status.classList.remove('error');
    status.textContent = '';
    try {
      const x0: [number, number] = [
        parseNumber(startX.value, 'start x'),
        parseNumber(startY.value, 'start y'),
      ];
      const [[a, b], [c, d]] = domain;
      if (x0[0] < a || x0[0] > b || x0[1] < c || x0[1] > d) {
        throw new RangeError(
          `The start (${startX.value}, ${startY.value}) is outside the plot [${a}, ${b}] × [${c}, ${d}]: click the plot or type a point inside it`,
        );
      }
      const options = {
        gtol: parseNumber(gtol.value, 'tolerance', { min: 0, above: true }),
        maxIter: parseNumber(maxIter.value, 'max steps', { integer: true, min: 1, max: MAX_STEPS }),
      };
      const ticked = racers.ticked();
      if (ticked.length === 0) throw new RangeError('Tick at least one optimizer to race');
      return { x0, options, entries: racers.entries(), ticked };
    } catch (e) {
      worker.stop();
      results.clear();
      fail((e as Error).message);
      return undefined;
    }
  };

  const race = () => {
    const checked = inputs();
    if (!checked || !problem) return;
    const { x0, options, entries, ticked } = checked;
    showThresholds(racers, momentum, problem, x0);
    busy('running', 'Racing…');
    const ran = problem;
    worker.run({ kind: 'race', problem: picker.spec(), x0, entries, ...options }, (reply) => {
      stop.disabled = true;
      if (reply.kind === 'error') return fail(reply.message);
      if (reply.kind !== 'race' || ran !== problem) return;
      status.textContent = tunedNote;
      tunedNote = '';
      player.start(results.show(reply.rows, ticked, ran, x0));
    });
    onChange();
  };

  tune.addEventListener('click', () => {
    const checked = inputs();
    if (!checked) return;
    busy('tuning', 'Tuning: 13 rates per racer on this function…');
    worker.run(
      {
        kind: 'tune',
        problem: picker.spec(),
        x0: checked.x0,
        entries: checked.entries,
        gtol: checked.options.gtol,
      },
      (reply) => {
        stop.disabled = true;
        if (reply.kind === 'error') return fail(reply.message);
        if (reply.kind !== 'tuned') return;
        // the rates by racer key: each copy is tuned on its own
        const tuned = checked.ticked.filter((r) => r.lr && reply.rates[r.key] !== undefined);
        for (const r of tuned) r.lr!.value = String(reply.rates[r.key]);
        tunedNote = `Tuned on this function: ${tuned.map((r) => `${r.label} ${formatNumber(reply.rates[r.key])}`).join(', ')}.`;
        race();
      },
    );
  });
  stop.addEventListener('click', () => {
    worker.stop();
    stop.disabled = true;
    tunedNote = '';
    // a stopped race leaves no results of an earlier one beside its inputs
    if (section.dataset.state === 'running') results.clear();
    status.textContent =
      section.dataset.state === 'tuning'
        ? 'Tuning stopped: the rates are as they were.'
        : 'Race stopped before it finished: lower max steps or raise the tolerance for a shorter one.';
    section.dataset.state = 'stopped';
  });
  momentum.onPick((alpha, beta) => {
    const heavy = racers.first('momentum');
    heavy.box.checked = true;
    heavy.lr!.value = String(Number(alpha.toPrecision(2)));
    const slider = heavy.sliders[0];
    slider.slider.value = beta.toFixed(2);
    slider.shown.textContent = slider.slider.value;
    race();
  });
  picker.onChange(async () => {
    if (await showProblem(true)) race();
  });
  plot.onPick((x, y) => {
    if (!problem) return;
    const digits = Math.max(0, 2 - Math.floor(Math.log10(domain[0][1] - domain[0][0])));
    startX.value = x.toFixed(digits);
    startY.value = y.toFixed(digits);
    race();
  });
  // Enter in the formula (or a click on Run) after an edit shows the new function first
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const fresh = JSON.stringify(picker.spec()) !== shownKey;
    if (fresh && !(await showProblem(true))) return;
    race();
  });

  const view = Object.assign(section, {
    state(): RaceState {
      return {
        problem: picker.spec(),
        x0: [startX.value, startY.value],
        gtol: gtol.value,
        maxIter: maxIter.value,
        ...racers.state(),
      };
    },
    restore(s: Partial<RaceState>): void {
      if (s.problem) picker.setSpec(s.problem);
      void showProblem(true).then((ok) => {
        if (!ok) return;
        if (s.x0) [startX.value, startY.value] = s.x0;
        if (s.gtol !== undefined) gtol.value = s.gtol;
        if (s.maxIter !== undefined) maxIter.value = s.maxIter;
        racers.restore(s.racers, s.copies);
        race();
      });
    },
  });
  return view;
}
