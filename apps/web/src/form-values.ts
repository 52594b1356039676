/**
 * Reading numbers out of inputs without silent wrong answers: an empty input is not 0, and a value
 * outside its range is refused with a RangeError naming the field, the text and what was expected.
 */

export interface NumberRule {
  /** Smallest accepted value (default −∞). */
  min?: number;
  /** The smallest value is excluded (default false: min itself is accepted). */
  above?: boolean;
  /** Largest accepted value (default +∞). */
  max?: number;
  integer?: boolean;
}

/** What `rule` accepts, in words: "a number > 0", "an integer from 1 to 100000". */
export function expected(rule: NumberRule): string {
  const kind = rule.integer ? 'an integer' : 'a number';
  const { min, max, above } = rule;
  if (min !== undefined && max !== undefined && !above) return `${kind} from ${min} to ${max}`;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${above ? '>' : '>='} ${min}`);
  if (max !== undefined) parts.push(`<= ${max}`);
  return parts.length === 0 ? kind : `${kind} ${parts.join(' and ')}`;
}

/** The number typed in `text`, checked against `rule`; a RangeError naming `label` otherwise. */
export function parseNumber(text: string, label: string, rule: NumberRule = {}): number {
  const v = text.trim() === '' ? Number.NaN : Number(text);
  const ok =
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || (rule.above ? v > rule.min : v >= rule.min)) &&
    (rule.max === undefined || v <= rule.max);
  if (!ok) throw new RangeError(`Invalid ${label}: "${text}" (expected ${expected(rule)})`);
  return v;
}
