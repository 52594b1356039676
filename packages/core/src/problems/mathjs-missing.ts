/**
 * mathjs is an optional peer dependency of @descent/core: only `@descent/core/expression` uses it.
 * When it is not installed, this is what the user reads.
 */
export const MATHJS_MISSING =
  '@descent/core/expression needs mathjs, an optional peer dependency of @descent/core that is not ' +
  'installed. Install it next to @descent/core: npm install mathjs (or pnpm add mathjs, yarn add mathjs).';

/** True for Node's resolution error of the package 'mathjs' itself (not for an error thrown inside it). */
export function isMissingMathjs(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  return (
    (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
    /(?:package|module) '(?:mathjs)(?:\/[^']*)?'/.test(e.message)
  );
}
