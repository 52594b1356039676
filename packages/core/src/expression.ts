/**
 * `@descent/core/expression`: `fromExpression('x^2 - y^2')`, a Problem from a typed formula whose
 * gradient and Hessian mathjs derives symbolically (see problems/expression.ts).
 *
 * A separate entry point because mathjs is large (about 0.7 MB of JavaScript, most of a second of
 * a Node start): `@descent/core` never loads it, so only the programs that parse formulas pay
 * for it, e.g. with `const { fromExpression } = await import('@descent/core/expression')`.
 */
export { type ExpressionOptions, type ExpressionProblem, fromExpression } from './problems/expression.js';
