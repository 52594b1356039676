/**
 * `@descent/core/expression` as Node imports it (the "node" + "import" condition of package.json's
 * exports): the same module as expression.ts, reached through a dynamic `import()` so that a missing
 * mathjs, an optional peer dependency of @descent/core, becomes an error that names the install
 * command instead of Node's bare "Cannot find package 'mathjs'".
 *
 * Bundlers and `require()` take expression.ts itself (no top-level await, which older bundler
 * targets reject and `require()` cannot load); a bundler reports a missing mathjs when it builds.
 */
import { isMissingMathjs, MATHJS_MISSING } from './problems/mathjs-missing.js';

let loaded: typeof import('./expression.js');
try {
  loaded = await import('./expression.js');
} catch (e) {
  if (isMissingMathjs(e)) throw new Error(MATHJS_MISSING, { cause: e });
  throw e;
}

export type { ExpressionOptions, ExpressionProblem } from './expression.js';
export const fromExpression: typeof loaded.fromExpression = loaded.fromExpression;
