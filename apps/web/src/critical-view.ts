/**
 * View 2, the critical point explorer: click a point (or type it) to see f, ∇f, the Hessian H and
 * its eigenvalues there. Where ∇f = 0 the eigenvalues classify the point (classifyCriticalPoint):
 *
 *   all λ > 0 minimum,  all λ < 0 maximum,  mixed signs saddle,  some λ = 0 degenerate
 *
 * and at a saddle the eigenvectors of the negative eigenvalues, the escape directions along which
 * f falls, are drawn as arrows. findCriticalPoints (Newton on ∇f = 0 from a grid of starts) marks
 * every critical point in the box; a click on (or within 8 pixels of) a marker inspects it exactly.
 */
import {
  type CriticalPoint,
  classifyCriticalPoint,
  findCriticalPoints,
  hessian,
  type Problem,
} from '@descent/core';
import { ProblemPicker } from './problem-picker.js';
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

function vectorText(v: ArrayLike<number>): string {
  return `(${Array.from(v, (x) => formatNumber(x)).join(', ')})`;
}

export function criticalView(): HTMLElement {
  const section = document.createElement('section');
  section.id = 'critical';
  section.innerHTML = `<h2>Critical point explorer</h2>
    <p class="lede">Click anywhere to read the gradient and the Hessian's eigenvalues there. At a
    critical point (∇f = 0) their signs say what it is. Markers: <span class="key key-minimum">▲</span> minimum,
    <span class="key key-saddle">✕</span> saddle, <span class="key key-maximum">▼</span> maximum,
    <span class="key key-degenerate">●</span> degenerate (found by <code>findCriticalPoints</code>).</p>
    <div class="view"><div class="plot-slot"></div><form class="controls" novalidate></form></div>`;
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
  px.style.width = py.style.width = '7em';
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
  form.append(picker.element, status, point, readout, explanation);

  let problem: Problem | undefined;
  let domain: Domain;
  let found: CriticalPoint[] = [];

  const classify = (x: number, y: number) => {
    if (!problem) return;
    const at = Float64Array.from([x, y]);
    plot.paths.replaceChildren();
    section.querySelector('.marker-probe')?.remove();
    try {
      const f = problem.f(at);
      const g = problem.grad(at, new Float64Array(2));
      const H = hessian(problem, at);
      const c = classifyCriticalPoint(H);
      const gradNorm = Math.max(Math.abs(g[0]), Math.abs(g[1]));
      const critical = gradNorm <= 1e-6 * Math.max(1, Math.abs(f));
      outs.f.textContent = formatNumber(f, 6);
      outs.gradient.textContent = vectorText(g);
      outs.hessian.textContent = `[${vectorText(H.data.subarray(0, 2))}, ${vectorText(H.data.subarray(2, 4))}]`;
      outs.eigenvalues.textContent = vectorText(c.eigenvalues);
      outs.eigenvalues.dataset.values = JSON.stringify(Array.from(c.eigenvalues));
      outs.kind.textContent = critical ? c.kind : 'not a critical point';
      outs.kind.className = critical ? `kind-${c.kind}` : 'kind-none';
      explanation.textContent = critical
        ? `${c.kind}: ${meaning[c.kind]}. Condition number ${formatNumber(c.condition)}.`
        : `∇f ≠ 0, so f still falls along −∇f (the blue arrow); here H looks like a ${c.kind}'s: ${meaning[c.kind]}.`;
      const reach = 0.14 * Math.min(domain[0][1] - domain[0][0], domain[1][1] - domain[1][0]);
      if (!critical) {
        const n = Math.hypot(g[0], g[1]);
        plot.arrow(x, y, (-g[0] / n) * reach, (-g[1] / n) * reach, 'descent');
      }
      c.eigenvectors.forEach((v, j) => {
        const falls = c.eigenvalues[j] < -c.tol;
        for (const s of [1, -1])
          plot.arrow(x, y, s * v[0] * reach, s * v[1] * reach, falls ? 'escape' : 'curving-up');
      });
      plot.marker(x, y, 'probe', `(${formatNumber(x)}, ${formatNumber(y)})`);
    } catch (e) {
      outs.kind.textContent = (e as Error).message;
      outs.kind.className = 'error';
    }
  };

  const showProblem = async () => {
    try {
      const current = await picker.current();
      // a newer choice was made while this formula's module loaded: that one is shown instead
      if (!current) return;
      const points = findCriticalPoints(current.problem, current.domain, { pointsPerDim: 12 });
      plot.show((x) => current.problem.f(x), current.domain);
      problem = current.problem;
      domain = current.domain;
      found = points;
      status.textContent = '';
    } catch (e) {
      // the previous function stays on show, with its readout
      status.textContent = (e as Error).message;
      return;
    }
    outs.found.textContent = found.length === 0 ? 'none' : found.map((c) => c.kind).join(', ');
    for (const c of found) {
      const m = plot.marker(
        c.x[0],
        c.x[1],
        c.kind,
        `${c.kind} at ${vectorText(c.x)}, f = ${formatNumber(c.f)}`,
      );
      m.addEventListener('click', (event) => {
        event.stopPropagation();
        px.value = String(c.x[0]);
        py.value = String(c.x[1]);
        classify(c.x[0], c.x[1]);
      });
    }
    const first = found.find((c) => c.kind === 'saddle') ?? found[0];
    const at = first ? first.x : problem!.x0;
    px.value = String(at[0]);
    py.value = String(at[1]);
    classify(at[0], at[1]);
  };

  picker.onChange(showProblem);
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
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const x = Number(px.value);
    const y = Number(py.value);
    if (px.value.trim() === '' || py.value.trim() === '' || !Number.isFinite(x) || !Number.isFinite(y)) {
      outs.kind.textContent = `Invalid point: (${px.value}, ${py.value})`;
      outs.kind.className = 'error';
      return;
    }
    classify(x, y);
  });
  requestAnimationFrame(showProblem);
  return section;
}
