/**
 * Group lasso and the max-norm constraint, on the rows or columns of a weight matrix
 * (`param.shape = [rows, cols]`; a vector is one group).
 *
 *   group lasso:  Ω(θ) = λ Σ_g w_g ‖θ_g‖₂,   w_g = √|g| when `weightBySize`, else 1
 *                 ∇_g = λ w_g θ_g / ‖θ_g‖ (0 for a zero group)
 *                 prox: θ_g <- θ_g · max(0, 1 − tλw_g / ‖θ_g‖)      (group soft-thresholding)
 *   max-norm:     the constraint ‖θ_g‖₂ <= c (Srivastava et al., 2014). Its prox is the projection
 *                 θ_g <- θ_g · min(1, c / ‖θ_g‖); it adds nothing to the objective's value or gradient
 *                 (enforce it with `proximalStep` / `withProximal` after each optimizer step).
 *
 * Rows of a dense layer's weight [out, in] are a unit's incoming weights; columns are an input's
 * outgoing weights (group lasso on columns prunes inputs).
 */
import type { Param } from '@descent/core';
import { groupNorms, scaleGroups } from '@descent/kernels';
import { checkLambda, checkStep, type Penalty } from './penalty.js';

export type Groups = 'rows' | 'columns';

function layout(p: Param, groups: Groups): { rows: number; cols: number; byRows: boolean; size: number } {
  const [rows, cols] = p.shape.length === 2 ? p.shape : [1, p.length];
  const byRows = groups === 'rows';
  return { rows, cols, byRows, size: byRows ? cols : rows };
}

function checkGroups(groups: unknown): Groups {
  if (groups !== 'rows' && groups !== 'columns') {
    throw new RangeError(`Invalid groups: ${String(groups)} (expected 'rows' or 'columns')`);
  }
  return groups;
}

export interface GroupLassoOptions {
  groups?: Groups;
  /** weight each group by √(its size), as Yuan & Lin (2006) do (default false). */
  weightBySize?: boolean;
}

/** Group lasso: λ Σ_g w_g ‖θ_g‖₂ over the rows (default) or columns of each parameter. */
export function groupLasso(lambda: number, options: GroupLassoOptions = {}): Penalty {
  checkLambda('group lasso lambda', lambda);
  const groups = checkGroups(options.groups ?? 'rows');
  const weighted = options.weightBySize ?? false;
  const norms = (p: Param) => {
    const l = layout(p, groups);
    return {
      ...l,
      norms: groupNorms(p.value, l.rows, l.cols, l.byRows),
      w: weighted ? Math.sqrt(l.size) : 1,
    };
  };
  return {
    name: `groupLasso(${lambda}, ${groups})`,
    value(p) {
      const { norms: n, w } = norms(p);
      return lambda * w * n.reduce((a, b) => a + b, 0);
    },
    addGradient(p) {
      const { rows, cols, byRows, norms: n, w } = norms(p);
      const g = p.grad;
      const x = p.data;
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < cols; j++) {
          const norm = n[byRows ? i : j];
          if (norm > 0) g[i * cols + j] += (lambda * w * x[i * cols + j]) / norm;
        }
      }
      return lambda * w * n.reduce((a, b) => a + b, 0);
    },
    prox(p, t) {
      checkStep(t);
      const { rows, cols, byRows, norms: n, w } = norms(p);
      const factors = n.map((norm) => (norm > 0 ? Math.max(0, 1 - (t * lambda * w) / norm) : 0));
      scaleGroups(p.value, rows, cols, byRows, factors);
    },
  };
}

/** The max-norm constraint ‖θ_g‖₂ <= c on rows (default) or columns; `prox` projects onto it. */
export function maxNorm(c: number, options: { groups?: Groups } = {}): Penalty {
  if (typeof c !== 'number' || !Number.isFinite(c) || c <= 0) {
    throw new RangeError(`Invalid max-norm bound c: ${String(c)} (expected a finite number > 0)`);
  }
  const groups = checkGroups(options.groups ?? 'rows');
  return {
    name: `maxNorm(${c}, ${groups})`,
    value: () => 0,
    addGradient: () => 0,
    prox(p, t) {
      checkStep(t);
      const l = layout(p, groups);
      const n = groupNorms(p.value, l.rows, l.cols, l.byRows);
      scaleGroups(
        p.value,
        l.rows,
        l.cols,
        l.byRows,
        n.map((norm) => (norm > c ? c / norm : 1)),
      );
    },
  };
}
