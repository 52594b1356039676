/**
 * minimize()'s method names, and SciPy's accepted as aliases. Names are case-insensitive:
 *
 *   SciPy            descent
 *   'L-BFGS-B'   ->  'lbfgs'        (with `bounds`: L-BFGS-B proper, lbfgsb.ts; other methods
 *                                   refuse `bounds` rather than ignore them)
 *   'BFGS'       ->  'bfgs'
 *   'Newton-CG'  ->  'newton-cg'
 *   'trust-ncg'  ->  'trust-ncg'
 *   'trust-exact'->  'trust-exact'
 *   'Nelder-Mead'->  'nelder-mead'
 *   'Powell'     ->  'powell'
 *
 * plus descent's own 'newton' (dense, modified Hessian) and the first-order optimizer names.
 */
import { firstOrderMethodNames, isFirstOrderMethod } from './first-order.js';

export const ownMethods = [
  'lbfgs',
  'bfgs',
  'newton',
  'newton-cg',
  'trust-ncg',
  'trust-exact',
  'nelder-mead',
  'powell',
] as const;

export type OwnMethod = (typeof ownMethods)[number];

const scipyAliases: Record<string, OwnMethod> = {
  'l-bfgs-b': 'lbfgs',
  neldermead: 'nelder-mead',
  newtoncg: 'newton-cg',
  trustncg: 'trust-ncg',
  trustexact: 'trust-exact',
};

/** The canonical name of `method` (an own name, an alias or a first-order name); throws if unknown. */
export function resolveMethod(method: unknown): OwnMethod | string {
  if (typeof method !== 'string')
    throw new RangeError(`Invalid method: ${String(method)} (expected a string)`);
  const lower = method.toLowerCase();
  if ((ownMethods as readonly string[]).includes(lower)) return lower;
  if (Object.hasOwn(scipyAliases, lower)) return scipyAliases[lower];
  if (isFirstOrderMethod(lower)) return lower;
  throw new RangeError(
    `Invalid method: ${method} (known: ${ownMethods.join(', ')}, ${firstOrderMethodNames().join(', ')}; SciPy's 'L-BFGS-B', 'BFGS', 'Newton-CG', 'trust-ncg', 'trust-exact', 'Nelder-Mead', 'Powell' too, any case)`,
  );
}
