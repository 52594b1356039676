/**
 * A mistake in what the user typed (a bad number, an unknown name, an unreadable file): the CLI
 * prints the message on stderr and exits with code 2, before writing anything.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost);
    }
    prev = row;
  }
  return prev[b.length];
}

/**
 * The known name closest to `name`, when it is close enough to be a likely typo (an edit distance
 * up to a third of its length, at least 2), or else the one known name that contains it.
 */
export function closestName(name: string, known: readonly string[]): string | undefined {
  const containing = known.filter((k) => name.length >= 2 && k.toLowerCase().includes(name.toLowerCase()));
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const k of known) {
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(best.length / 3))) return best;
  return containing.length === 1 ? containing[0] : undefined;
}

/** `Unknown problem "rosenbrok" (did you mean "rosenbrock"? known: a, b, c)`; `where` follows the name. */
export function unknownNameError(
  what: string,
  name: string,
  known: readonly string[],
  where?: string,
): UsageError {
  const guess = closestName(name, known);
  const hint = guess ? `did you mean "${guess}"? ` : '';
  return new UsageError(
    `Unknown ${what} "${name}"${where ? ` ${where}` : ''} (${hint}known: ${known.join(', ')})`,
  );
}
