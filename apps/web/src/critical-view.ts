/**
 * View 2, the critical point explorer: click a point (or type it) to see f, ∇f, the Hessian H and
 * its eigenvalues there. Where ∇f = 0 the eigenvalues classify the point (classifyCriticalPoint):
 *
 *   all λ > 0 minimum,  all λ < 0 maximum,  mixed signs saddle,  some λ = 0 degenerate
 *
 * and at a saddle the eigenvectors of the negative eigenvalues, the escape directions along which
 * f falls, are drawn as arrows. findCriticalPoints (Newton on ∇f = 0 from a grid of starts) marks
 * every critical point in the box; a click on (or within 8 pixels of) a marker inspects it exactly.
 * The search and the eigen-decompositions run in the compute worker (critical-compute.ts); the page
 * draws the function and what the worker reports (data-state "busy" until it has).
 */
import type { Problem } from '@descent/core';
import { ComputeClient } from './compute-client.js';
import type { FoundPoint, PointReport } from './critical-compute.js';
import { ProblemPicker } from './problem-picker.js';
import type { ProblemSpec } from './problem-spec.js';
import type { Domain } from './surface.js';
import { SurfacePlot } from './surface-plot.js';
import { formatNumber } from './ticks.js';

const meaning: Record<string, string> = {
  minimum: 'every eigenvalue is positive: f curves up in every direction',
  maximum: 'every eigenvalue is negative: f curves down in every direction',
  saddle: 'eigenvalues of both signs: f falls along the red escape directions',
  degenerate: 'an eigenvalue is zero: the second-order test cannot decide',
};

function output(name: string): HTMLOutputElement {
  return Object.assign(document.createElement('output'), { name });
}

/** "4 minima, 4 saddles, 1 maximum" (or "none"), in the order minimum, saddle, maximum, degenerate. */
export function countsText(found: { kind: string }[]): string {
  const plural: Record<string, string> = {
    minimum: 'minima',
    maximum: 'maxima',
    saddle: 'saddles',
    degenerate: 'degenerate',
  };
  const parts = ['minimum', 'saddle', 'maximum', 'degenerate'].flatMap((kind) => {
    const n = found.filter((c) => c.kind === kind).length;
    return n === 0 ? [] : [`${n} ${n === 1 ? kind : plural[kind]}`];
  });
  return parts.length === 0 ? 'none' : parts.join(', ');
}

function vectorText(v: ArrayLike<number>): string {
  return `(${Array.from(v, (x) => formatNumber(x)).join(', ')})`;
}

export interface CriticalState {
  problem: ProblemSpec;
  point: [string, string];
}

export type CriticalViewElement = HTMLElement & {
  state(): CriticalState;
  /** Shows the function given (default: the view's own) and inspects the point given (default: its first saddle). */
  restore(s: Partial<CriticalState>): void;
};

/** The explorer; `onChange` is called after every inspection (its inputs are then the view's state). */
export function criticalView(onChange: () => void = () => {}): CriticalViewElement {
  const section = document.createElement('section');
  section.id = 'critical';
  section.innerHTML = `<h2>Critical point explorer</h2>
    <p class="lede">Click anywhere to read the gradient and the Hessian's eigenvalues there. At a
    critical point (∇f = 0) their signs say what it is. Markers: <span class="key key-minimum">▲</span> minimum,
    <span class="key key-saddle">✕</span> saddle, <span class="key key-maximum">▼</span> maximum,
    <span class="key key-degenerate">●</span> degenerate (found by <code>findCriticalPoints</code>).</p>
    <div class="view"><div class="plot-slot"></div><form class="controls" novalidate></form></div>
    <p class="explain">How to read it: the gradient ∇f says which way f rises fastest, so −∇f (blue)
    is the way down. Where ∇f = 0 the first derivatives say nothing and the second ones decide: the
    Hessian H holds them, and its eigenvalues are the curvatures along its eigenvectors. At a saddle
    one curvature is negative, and the red arrows point along it: a gradient method that starts
    exactly at the saddle stays there, but the smallest push along a red arrow is amplified at every
    step, which is why noisy SGD escapes saddles and plain Newton (which jumps to any critical
    point) does not. On x² − y² the eigenvalues at the origin are −2 and 2.</p>`;
  const plot = new SurfacePlot(560, 440);
  section.querySelector('.plot-slot')!.append(plot.element);
  const form = section.querySelector('form')!;
  const picker = new ProblemPicker('saddle');
  const px = Object.assign(document.createElement('input'), {
    name: 'px',
    type: 'number',
    step: 'any',
    value: '0',
  });
  const py = Object.assign(document.createElement('input'), {
    name: 'py',
    type: 'number',
    step: 'any',
    value: '0',
  });
  px.type = py.type = 'text';
  px.classList.add('number');
  py.classList.add('number');
  px.setAttribute('aria-label', 'point x');
  py.setAttribute('aria-label', 'point y');
  const inspect = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Inspect' });
  const point = document.createElement('p');
  point.append('Point (', px, ', ', py, ') ', inspect);
  const readout = document.createElement('dl');
  readout.className = 'readout';
  const outs = {
    f: output('f'),
    gradient: output('gradient'),
    hessian: output('hessian'),
    eigenvalues: output('eigenvalues'),
    kind: output('kind'),
    found: output('found'),
  };
  const labels: [keyof typeof outs, string][] = [
    ['f', 'f(x, y)'],
    ['gradient', '∇f'],
    ['hessian', 'Hessian H'],
    ['eigenvalues', 'eigenvalues of H'],
    ['kind', 'classification'],
    ['found', 'critical points in view'],
  ];
  for (const [key, text] of labels) {
    const dt = document.createElement('dt');
    dt.textContent = text;
    const dd = document.createElement('dd');
    dd.append(outs[key]);
    readout.append(dt, dd);
  }
  const explanation = Object.assign(document.createElement('p'), { className: 'explanation' });
  const status = Object.assign(document.createElement('p'), { className: 'status error', role: 'status' });
  const list = Object.assign(document.createElement('ol'), { className: 'critical-list' });
  list.setAttribute('aria-label', 'critical points found');
  form.append(picker.element, status, point, readout, explanation, list);

  let problem: Problem | undefined;
  let domain: Domain;
  let found: FoundPoint[] = [];
  let shownKey = '';
  /** calls of showProblem so far: one that a newer call overtook while it waited gives way */
  let shows = 0;
  const worker = new ComputeClient();

  /** Empties every readout but the list of critical points: nothing stale stays beside an error. */
  const clearReadout = () => {
    for (const key of ['f', 'gradient', 'hessian', 'eigenvalues', 'kind'] as const) {
      outs[key].textContent = '—';
      outs[key].className = '';
      delete outs[key].dataset.values;
    }
    explanation.textContent = '';
    plot.paths.replaceChildren();
    section.querySelector('.marker-probe')?.remove();
  };

  const failed = (message: string) => {
    clearReadout();
    status.textContent = message;
    section.dataset.state = 'error';
  };

  /** The worker's report on one point: the readout, the arrows and the probe marker. */
  const showReport = (r: PointReport) => {
    const [x, y] = r.x;
    const { g, critical } = r;
    plot.paths.replaceChildren();
    section.querySelector('.marker-probe')?.remove();
    outs.f.textContent = formatNumber(r.f, 6);
    outs.gradient.textContent = vectorText(g);
    outs.hessian.textContent = `[${vectorText(r.H.slice(0, 2))}, ${vectorText(r.H.slice(2, 4))}]`;
    outs.eigenvalues.textContent = vectorText(r.eigenvalues);
    outs.eigenvalues.dataset.values = JSON.stringify(r.eigenvalues);
    outs.kind.textContent = critical ? r.kind : 'not a critical point';
    outs.kind.className = critical ? `kind-${r.kind}` : 'kind-none';
    explanation.textContent = critical
      ? `${r.kind}: ${meaning[r.kind]}. Condition number ${formatNumber(r.condition)}.`
      : `∇f ≠ 0, so f still falls along −∇f (the blue arrow); here H looks like a ${r.kind}'s: ${meaning[r.kind]}.`;
    const reach = 0.14 * Math.min(domain[0][1] - domain[0][0], domain[1][1] - domain[1][0]);
    if (!critical) {
      const n = Math.hypot(g[0], g[1]);
      plot.arrow(x, y, (-g[0] / n) * reach, (-g[1] / n) * reach, 'descent', `‖∇f‖ = ${formatNumber(n, 3)}`);
    }
    r.eigenvectors.forEach((v, j) => {
      const falls = r.eigenvalues[j] < -r.tol;
      // the eigenvalue beside one of the two arrows of each eigenvector
      for (const s of [1, -1])
        plot.arrow(
          x,
          y,
          s * v[0] * reach,
          s * v[1] * reach,
          falls ? 'escape' : 'curving-up',
          s === 1 ? `λ = ${formatNumber(r.eigenvalues[j], 3)}` : '',
        );
    });
    plot.marker(x, y, 'probe', `(${formatNumber(x)}, ${formatNumber(y)})`);
    status.textContent = '';
    section.dataset.state = 'done';
  };

  /** Every point found: markers on the plot, and a list that stays readable when there are many (Rastrigin). */
  const showFound = () => {
    outs.found.textContent = countsText(found);
    list.replaceChildren(
      ...found.map((c) => {
        const item = document.createElement('li');
        const button = Object.assign(document.createElement('button'), {
          type: 'button',
          className: `point kind-${c.kind}`,
          textContent: `${c.kind} ${vectorText(c.x)}, f = ${formatNumber(c.f)}`,
        });
        button.addEventListener('click', () => inspectFound(c));
        item.append(button);
        return item;
      }),
    );
    list.hidden = found.length === 0;
    for (const c of found) {
      const m = plot.marker(
        c.x[0],
        c.x[1],
        c.kind,
        `${c.kind} at ${vectorText(c.x)}, f = ${formatNumber(c.f)}`,
      );
      m.addEventListener('click', (event) => {
        event.stopPropagation();
        inspectFound(c);
      });
    }
  };

  /** Asks the worker about (x, y) on the function shown. */
  const classify = (x: number, y: number) => {
    if (!problem) return;
    section.dataset.state = 'busy';
    worker.run({ kind: 'critical', problem: picker.spec(), at: [x, y], search: false }, (reply) => {
      if (reply.kind === 'error') failed(reply.message);
      else if (reply.kind === 'critical') showReport(reply.point);
    });
    onChange();
  };

  const inspectFound = (c: FoundPoint) => {
    px.value = String(c.x[0]);
    py.value = String(c.x[1]);
    classify(c.x[0], c.x[1]);
  };

  /** Shows the chosen function and inspects `at` (default: its first saddle, else the first critical point). */
  const showProblem = async (at?: [number, number]) => {
    const call = ++shows;
    section.dataset.state = 'busy';
    let current: Awaited<ReturnType<ProblemPicker['current']>>;
    try {
      current = await picker.current();
    } catch (e) {
      // the previous function stays on show; its readout is cleared
      failed(`${(e as Error).message} (the plot still shows the previous function)`);
      return;
    }
    // a newer choice was made while this formula's module loaded: that one is shown instead
    if (!current || call !== shows) return;
    const shown = current;
    worker.run({ kind: 'critical', problem: shown.spec, at, search: true }, (reply) => {
      if (call !== shows) return;
      if (reply.kind === 'error') return failed(reply.message);
      if (reply.kind !== 'critical') return;
      plot.show((x) => shown.problem.f(x), shown.domain);
      problem = shown.problem;
      domain = shown.domain;
      found = reply.found ?? [];
      shownKey = JSON.stringify(shown.spec);
      // the markers and the list in a task of their own (Rastrigin has 100 points): no long task
      setTimeout(() => {
        if (call !== shows) return;
        showFound();
        const [x, y] = reply.point.x;
        px.value = formatNumber(x, 8);
        py.value = formatNumber(y, 8);
        showReport(reply.point);
        onChange();
      }, 0);
    });
  };

  picker.onChange(() => showProblem());
  // a click within 8 pixels of a critical point found above snaps to it (a click is never exact)
  plot.onPick((x, y) => {
    const [cx, cy] = plot.toPx(x, y);
    const near = found.find((c) => {
      const [mx, my] = plot.toPx(c.x[0], c.x[1]);
      return Math.hypot(mx - cx, my - cy) <= 8;
    });
    px.value = near ? String(near.x[0]) : x.toFixed(3);
    py.value = near ? String(near.x[1]) : y.toFixed(3);
    classify(Number(px.value), Number(py.value));
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const x = Number(px.value);
    const y = Number(py.value);
    if (px.value.trim() === '' || py.value.trim() === '' || !Number.isFinite(x) || !Number.isFinite(y)) {
      worker.stop();
      failed(`Invalid point: (${px.value}, ${py.value}) (expected two numbers)`);
      return;
    }
    // Enter in an edited formula shows the new function first
    if (JSON.stringify(picker.spec()) !== shownKey) await showProblem([x, y]);
    else classify(x, y);
  });
  return Object.assign(section, {
    state(): CriticalState {
      return { problem: picker.spec(), point: [px.value, py.value] };
    },
    restore(s: Partial<CriticalState>): void {
      if (s.problem) picker.setSpec(s.problem);
      const at = s.point?.map((t) => (String(t).trim() === '' ? Number.NaN : Number(t)));
      void showProblem(at?.length === 2 && at.every(Number.isFinite) ? [at[0], at[1]] : undefined);
    },
  });
}
