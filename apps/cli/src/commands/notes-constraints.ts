/**
 * `descent notes`: the constraint set C. Training searches θ within C; projected gradient descent
 * takes any step and then projects back, θ ← P_C(θ − η ∇f(θ)). On f(θ) = ½‖θ − a‖² the constrained
 * minimum is P_C(a) itself (the nearest point of C to a), so the run can be checked against the
 * projection's closed form. Then core's checkConvexSet tests sets known only by membership: a convex
 * set holds every segment between two of its points; an annulus does not, and the check returns
 * the counterexample (x, y, α with αx + (1−α)y outside C).
 */
import { type ConvexSet, checkConvexSet, param, project, SGD } from '@descent/core';
import type { NoteSection } from './notes.js';

const sig = (v: number) => Number(v.toPrecision(4));
const a = [1.6, -0.4];

/** PGD on ½‖θ − a‖² from the origin, η = 0.5, 60 steps: θ and the steps taken. */
function projectedDescent(set: ConvexSet): number[] {
  const p = param([0, 0]);
  const opt = new SGD([p], { lr: 0.5 });
  try {
    for (let k = 0; k < 60; k++) {
      for (let i = 0; i < 2; i++) p.grad[i] = p.data[i] - a[i];
      opt.step();
      project(p, set);
    }
    return Array.from(p.data);
  } finally {
    p.free();
  }
}

/** A grid of sample points over [−1.2, 1.2]². */
const tick = (i: number) => Number((-1.2 + 0.2 * i).toFixed(1));
const grid = Array.from({ length: 13 * 13 }, (_, k) => [tick(k % 13), tick(Math.floor(k / 13))]);

export function constraintSets(): NoteSection {
  const sets: [string, ConvexSet, string][] = [
    ['unit ball ||x|| <= 1', { kind: 'l2ball', radius: 1 }, 'a / ||a||'],
    ['box [0, 1]^2', { kind: 'box', lower: 0, upper: 1 }, 'clip(a, 0, 1)'],
    ['non-negative orthant', { kind: 'nonnegative' }, 'max(a, 0)'],
    ['simplex x >= 0, x1 + x2 = 1', { kind: 'simplex' }, 'max(a - tau, 0)'],
  ];
  const rows = sets.map(([name, set, formula]) => {
    const theta = projectedDescent(set);
    return [name, formula, `(${theta.map(sig).join(', ')})`];
  });
  const norm = (x: Float64Array) => Math.hypot(x[0], x[1]);
  const shapes: [string, (x: Float64Array) => boolean][] = [
    ['disk ||x|| <= 1', (x) => norm(x) <= 1],
    ['annulus 0.5 <= ||x|| <= 1', (x) => norm(x) >= 0.5 && norm(x) <= 1],
    ['square |x1|, |x2| <= 1', (x) => Math.abs(x[0]) <= 1 && Math.abs(x[1]) <= 1],
    [
      'two disks around (+-0.7, 0)',
      (x) => Math.hypot(x[0] - 0.7, x[1]) <= 0.4 || Math.hypot(x[0] + 0.7, x[1]) <= 0.4,
    ],
  ];
  const checks = shapes.map(([name, inC]) => {
    const r = checkConvexSet(inC, grid);
    const c = r.counterexample;
    const pt = (v: Float64Array) => `(${Array.from(v, sig).join(', ')})`;
    return [
      name,
      r.convex ? 'no counterexample' : 'not convex',
      c
        ? `x = ${pt(c.x)}, y = ${pt(c.y)}, alpha = ${c.alpha}: z = ${pt(c.z)} is outside`
        : `${r.pairs} segments held`,
    ];
  });
  return {
    title: `Constraint sets C: projected gradient descent on f = 0.5 ||x - a||^2, a = (${a.join(', ')}), and convexity checks`,
    head: ['set C', 'minimum P_C(a)', 'projected GD reached (60 steps, eta = 0.5)'],
    rows: [...rows, ['', '', ''], ['set known by membership', 'checkConvexSet', 'evidence'], ...checks],
    explanation:
      'Projected gradient descent steps as if unconstrained and then moves to the nearest point of C; on a convex C the constrained minimum of this f is the projection of a, which each run reaches. On a non-convex C the nearest point need not be unique and a segment between two good points can leave C: the check finds such a segment on the annulus and the two disks (a passed check on samples is evidence, not proof).',
  };
}
