/**
 * `descent analyze`: what the calculus says about f at a point and on its box: the gradient, the
 * Hessian and its eigenvalues, the second-order classification, the condition number, a convexity
 * verdict (with a Jensen counterexample when f is not convex) and the critical points in the box.
 */
import {
  checkConvexity,
  classifyCriticalPoint,
  conditionNumber,
  findCriticalPoints,
  hessian,
  type Problem,
} from '@descent/core';
import type { Command } from 'commander';
import { z } from 'zod';
import {
  objectiveSettings,
  resolveObjective,
  resolveStart,
  withExpressionSymbols,
} from '../options/objective.js';
import { common, readSettings, vec, withCommonOptions } from '../options/settings.js';
import { withThreadsOption } from '../options/threads.js';
import { maxAbs } from '../report/extent.js';
import { renderTable } from '../report/table.js';

const schema = z.object({ ...common, ...objectiveSettings, at: vec('at').optional() });

const fmt = (v: number) =>
  Number.isInteger(v) ? String(v) : Number.isFinite(v) ? Number(v.toPrecision(6)).toString() : String(v);
const vector = (v: ArrayLike<number>) => `(${Array.from(v, fmt).join(', ')})`;

export function analyze(problem: Problem, at: Float64Array, seed: number) {
  const n = problem.dim;
  const g = problem.grad(at, new Float64Array(n));
  const H = hessian(problem, at);
  const c = classifyCriticalPoint(H);
  const gradNorm = maxAbs(g);
  const convexity = checkConvexity(problem, problem.domain, { seed });
  const critical = n <= 4 ? findCriticalPoints(problem) : null;
  return {
    problem: problem.name,
    at: Array.from(at),
    f: problem.f(at),
    gradient: Array.from(g),
    gradNorm,
    critical: gradNorm <= 1e-8,
    hessian: Array.from({ length: n }, (_, i) => Array.from(H.data.subarray(i * n, (i + 1) * n))),
    eigenvalues: Array.from(c.eigenvalues),
    classification: c.kind,
    escapeDirections: c.escapeDirections.map((d) => Array.from(d)),
    conditionNumber: conditionNumber(H),
    convexity: {
      verdict: convexity.verdict,
      minEigenvalue: convexity.minEigenvalue,
      counterexample: convexity.counterexample
        ? {
            x: Array.from(convexity.counterexample.x),
            y: Array.from(convexity.counterexample.y),
            alpha: convexity.counterexample.alpha,
            lhs: convexity.counterexample.lhs,
            rhs: convexity.counterexample.rhs,
          }
        : null,
    },
    domain: problem.domain,
    criticalPoints:
      critical?.map((p) => ({
        x: Array.from(p.x),
        f: p.f,
        kind: p.kind,
        eigenvalues: Array.from(p.eigenvalues),
      })) ?? null,
  };
}

export function registerAnalyze(program: Command): void {
  const cmd = program
    .command('analyze')
    .description('gradient, Hessian, eigenvalues, classification, conditioning, convexity, critical points')
    .option('--problem <name>', 'a problem of the zoo (descent problems)')
    .option('--expr <formula>', 'or any formula, e.g. "x^2 - y^2"')
    .option('--dim <n>', 'dimension of an n-dimensional problem')
    .option('--at <x,y,...>', "the point (default: the problem's standard start)");
  withExpressionSymbols(cmd);
  withThreadsOption(withCommonOptions(cmd))
    .addHelpText(
      'after',
      `
Examples:
  $ descent analyze --expr "x^2 - y^2" --at 0,0
  $ descent analyze --problem himmelblau --json`,
    )
    .action(async () => {
      const s = readSettings(cmd, schema);
      const problem = await resolveObjective(s);
      const at = resolveStart(problem, s.at, 'at');
      const r = analyze(problem, at, s.seed ?? 0);
      if (s.json) {
        console.log(JSON.stringify(r, null, 2));
        return;
      }
      const kind = r.critical
        ? `a critical point: ${r.classification}`
        : `not a critical point (max |grad f| = ${fmt(r.gradNorm)}); the curvature there is that of a ${r.classification}`;
      const lines = [
        `${problem.name} at ${vector(at)}`,
        `  f          = ${fmt(r.f)}`,
        `  grad f     = ${vector(r.gradient)}`,
        '  Hessian    =',
        ...r.hessian.map((row) => `      [ ${row.map((v) => fmt(v).padStart(10)).join(' ')} ]`),
        `  eigenvalues ${vector(r.eigenvalues)}`,
        `  this is ${kind}`,
        ...(r.escapeDirections.length
          ? [
              `  ${r.critical ? 'f decreases' : 'the curvature is negative'} along ${r.escapeDirections.map(vector).join(' and ')}`,
            ]
          : []),
        `  condition number max|λ|/min|λ| = ${fmt(r.conditionNumber)}`,
        `  on the box ${r.domain.map(([lo, hi]) => `[${lo}, ${hi}]`).join(' x ')}: ${r.convexity.verdict} (smallest Hessian eigenvalue sampled ${fmt(r.convexity.minEigenvalue)})`,
      ];
      const ce = r.convexity.counterexample;
      if (ce) {
        lines.push(
          `  counterexample to Jensen: x = ${vector(ce.x)}, y = ${vector(ce.y)}, alpha = ${fmt(ce.alpha)}:`,
          `      f(alpha x + (1-alpha) y) = ${fmt(ce.lhs)} > alpha f(x) + (1-alpha) f(y) = ${fmt(ce.rhs)}`,
        );
      }
      console.log(lines.join('\n'));
      if (r.criticalPoints === null) {
        if (!s.quiet) console.log('critical points: not searched (more than 4 variables)');
      } else if (r.criticalPoints.length === 0) {
        console.log('critical points in the box: none found');
      } else {
        console.log('critical points in the box:');
        console.log(
          renderTable(
            ['x', 'f', 'kind', 'eigenvalues'],
            r.criticalPoints.map((p) => [vector(p.x), p.f, p.kind, vector(p.eigenvalues)]),
          ),
        );
      }
    });
}
