/**
 * `descent notes`: the course notes' worked examples, recomputed by the library, each with the
 * one-line reason for what the numbers show.
 */
import {
  classifyCriticalPoint,
  convergenceExperiment,
  cube,
  hessian,
  illConditionedQuadratic,
  minimize,
  monkeySaddle,
  predictGradientDescent,
  saddle,
  square,
  xCos,
} from '@descent/core';
import type { Command } from 'commander';
import { z } from 'zod';
import { asciiChart, type Series } from '../charts/ascii.js';
import { common, readSettings, withCommonOptions } from '../options/settings.js';
import { type Cell, renderTable } from '../report/table.js';
import { methodSections } from './notes-methods.js';

export interface NoteSection {
  title: string;
  head: string[];
  rows: Cell[][];
  explanation: string;
  /** Series drawn as a terminal line chart (and given as data with --json). */
  chart?: { series: Series[]; xLabel: string; yLabel: string };
  /** A preformatted text picture (e.g. a path over contours). */
  picture?: string[];
}

const sig = (v: number) => Number(v.toPrecision(4));

/** x_{t+1} = x_t - η f'(x_t) = (1 - 2η) x_t on f = x^2. */
function gdOnSquare(): NoteSection {
  const p = square();
  const rows = [0.2, 0.05, 1.1].map((lr) => {
    const r = minimize(p, p.x0, { method: 'gd', lr, maxIter: 20, gtol: 1e-12, recordPath: true });
    const xs = (r.history.x ?? []).map((x) => x[0]);
    const factor = 1 - 2 * lr;
    const last = Math.abs(xs[xs.length - 1]);
    const verdict = last > Math.abs(xs[0]) ? 'diverges' : last < 1e-3 ? 'converges' : 'crawls';
    return [lr, factor, xs[1], xs[2], xs[3], xs[xs.length - 1], r.nit, verdict];
  });
  return {
    title: 'Gradient descent on f(x) = x^2 from x0 = 1.5, eta = 0.2 / 0.05 / 1.1',
    head: ['eta', '1 - 2 eta', 'x1', 'x2', 'x3', 'last x', 'steps', 'verdict'],
    rows,
    explanation:
      "Each step multiplies x by 1 - 2 eta: |0.6| shrinks fast, 0.9 crawls, |-1.2| > 1 overshoots further each time (eta > 2/f'' = 1).",
  };
}

/** GD with eta = 2 on x cos(x), started at the problem's x0 = 1. */
function gdOnXCos(): NoteSection {
  const p = xCos(1);
  const r = minimize(p, p.x0, { method: 'gd', lr: 2, maxIter: 12, gtol: 1e-12, recordPath: true });
  const xs = (r.history.x ?? []).map((x) => x[0]);
  const start = p.x0[0];
  const nearest = p.minima.reduce((a, b) => (Math.abs(b.x[0] - start) < Math.abs(a.x[0] - start) ? b : a));
  const curvature = p.hessian?.(nearest.x, new Float64Array(1))[0] ?? Number.NaN;
  return {
    title: 'Gradient descent with eta = 2 on f(x) = x cos(x), from x0 = 1',
    head: ['step', 'x', 'f(x)'],
    rows: xs.map((x, k) => [k, x, r.history.f[k]]),
    explanation: `At the minimum nearest the start, x = ${sig(nearest.x[0])}, f'' = ${sig(curvature)}: any eta > 2/f'' = ${sig(2 / curvature)} overshoots it, so the iterates hop from valley to valley of this non-convex curve.`,
  };
}

/** Plain GD vs the notes' averaged momentum v = βv + (1-β)g (SGD with dampening = momentum). */
function momentumOnValley(): NoteSection {
  const p = illConditionedQuadratic();
  const lr = 0.4;
  const runs: [string, Record<string, number>][] = [
    ['plain GD', {}],
    ['momentum beta = 0.5', { momentum: 0.5, dampening: 0.5 }],
    ['momentum beta = 0.25', { momentum: 0.25, dampening: 0.25 }],
  ];
  const reachedAt: (number | null)[] = [];
  const rows = runs.map(([name, optimizerOptions]) => {
    const r = minimize(p, p.x0, { method: 'sgd', lr, optimizerOptions, maxIter: 500, gtol: 1e-12 });
    const reached = r.history.f.findIndex((f) => f <= 1e-6);
    reachedAt.push(reached >= 0 ? reached : null);
    return [name, r.history.f[10], r.history.f[50], reached >= 0 ? reached : null];
  });
  const g = predictGradientDescent(hessian(p, p.x0));
  return {
    title: `Plain GD vs momentum on 0.1 x1^2 + 2 x2^2 from (10, 1), eta = ${lr}`,
    head: ['method', 'f after 10', 'f after 50', 'steps to f <= 1e-6'],
    rows,
    explanation: `kappa = ${sig(g.kappa)}: eta is capped by the steep x2 (< 2/L = ${sig(g.largestStableStep)}) while x1 shrinks only by 1 - 0.2 eta per step; averaging gradients damps the x2 zig-zag: ${reachedAt[0]} steps for plain GD, ${reachedAt[1]} with beta = 0.5, ${reachedAt[2]} with beta = 0.25.`,
  };
}

function vanishingGradient(): NoteSection {
  const t = Math.tanh(4);
  return {
    title: "The vanishing gradient: tanh'(4)",
    head: ['x', 'tanh(x)', "tanh'(x) = 1 - tanh(x)^2"],
    rows: [0, 1, 2, 4].map((x) => [x, Math.tanh(x), 1 - Math.tanh(x) ** 2]),
    explanation: `tanh'(4) = ${sig(1 - t * t)}: a saturated unit passes back about a thousandth of the gradient, and layers of them multiply such factors.`,
  };
}

function criticalPoints(): NoteSection {
  const at = (dim: number) => new Float64Array(dim);
  const cases: [string, ReturnType<typeof classifyCriticalPoint>][] = [
    ['x^2 - y^2 at (0, 0)', classifyCriticalPoint(hessian(saddle(), at(2)))],
    ['x^3 at 0', classifyCriticalPoint(hessian(cube(), at(1)))],
    ['x^3 - 3xy^2 at (0, 0)', classifyCriticalPoint(hessian(monkeySaddle(), at(2)))],
  ];
  return {
    title: 'Saddle and degenerate critical points (grad f = 0)',
    head: ['point', 'Hessian eigenvalues', 'kind'],
    rows: cases.map(([name, c]) => [name, `(${Array.from(c.eigenvalues).join(', ')})`, c.kind]),
    explanation:
      'Eigenvalues of both signs make a saddle (f falls along y); a zero eigenvalue leaves the second-order test undecided, and x^3 and the monkey saddle are not minima.',
  };
}

function sqrtTBound(): NoteSection {
  const d = convergenceExperiment({ horizons: [10, 100, 1000, 10000] });
  return {
    title: 'The O(1/sqrt T) bound: GD on the cone f = |x| (L = 1, R = 1), eta = R/(L sqrt T)',
    head: ['T', 'eta', 'average f - f*', 'bound R L / sqrt T'],
    rows: d.T.map((T, i) => [T, d.eta[i], d.averageGap[i], d.bound[i]]),
    explanation:
      'On a convex L-Lipschitz f the average gap is at most R L / sqrt T; on the cone it is nearly met, so the rate cannot be improved without more assumptions.',
  };
}

export function noteSections(): NoteSection[] {
  return [
    gdOnSquare(),
    gdOnXCos(),
    momentumOnValley(),
    vanishingGradient(),
    criticalPoints(),
    sqrtTBound(),
    ...methodSections(),
  ];
}

export function registerNotes(program: Command): void {
  const cmd = program
    .command('notes')
    .description("the course notes' worked examples, recomputed, each with its explanation")
    .addHelpText('after', '\nExample:\n  $ descent notes --json');
  withCommonOptions(cmd).action(() => {
    const s = readSettings(cmd, z.object(common));
    const sections = noteSections();
    if (s.json) {
      console.log(JSON.stringify(sections, null, 2));
      return;
    }
    for (const section of sections) {
      console.log(`\n${section.title}`);
      console.log(renderTable(section.head, section.rows));
      if (section.chart) {
        const { series, xLabel, yLabel } = section.chart;
        console.log(asciiChart(series, { xLabel, yLabel, height: 10 }));
      }
      if (section.picture) console.log(section.picture.join('\n'));
      if (!s.quiet) console.log(`-> ${section.explanation}`);
    }
  });
}
