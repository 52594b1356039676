/**
 * Parameter groups: what the constructor and `addParamGroup` build (the user's options laid over
 * the defaults, validated, no parameter in two groups) and the check every step makes first (the
 * groups' options again, since schedulers and users write `paramGroups[i].lr` between steps).
 */
import type { Param } from '../param.js';
import type { ParamGroup, ParamsInput } from './optimizer.js';
import { checkKnownOptions } from './validate.js';

/** True if the constructor was given groups (`[{ params, ... }]`) rather than a list of parameters. */
export function isGroupList<O>(params: ParamsInput<O>): params is Array<Partial<O> & { params: Param[] }> {
  const first = params[0] as unknown as { params?: unknown };
  return !!first && Array.isArray(first.params);
}

/** A group: `g`'s options over `defaults` (arrays copied), validated; unknown names throw. */
export function buildGroup<O>(
  displayName: string,
  defaults: Readonly<O>,
  optionNames: readonly string[],
  validateGroup: (options: O) => void,
  g: Partial<O> & { params: Param[] },
): ParamGroup<O> {
  if (!g || !Array.isArray(g.params) || g.params.length === 0) {
    throw new RangeError(`${displayName}: a parameter group needs a non-empty params list`);
  }
  checkKnownOptions(displayName, g, [...optionNames, 'initialLr']);
  const merged = { ...defaults, ...g, params: [...g.params] } as ParamGroup<O>;
  for (const [k, v] of Object.entries(merged)) {
    if (Array.isArray(v) && k !== 'params') (merged as Record<string, unknown>)[k] = [...v];
  }
  validateGroup(merged);
  return merged;
}

/** Throws if a parameter appears in more than one of `groups`. */
export function checkDisjoint(groups: ReadonlyArray<{ params: Param[] }>): void {
  const seen = new Set<Param>();
  for (const g of groups) {
    for (const p of g.params) {
      if (seen.has(p)) throw new RangeError(`Parameter ${p.name} appears in more than one parameter group`);
      seen.add(p);
    }
  }
}

/** Throws if a parameter of `params` is already in one of `groups` (for `addParamGroup`). */
export function checkNotGrouped(groups: ReadonlyArray<{ params: Param[] }>, params: Param[]): void {
  for (const p of params) {
    if (groups.some((g) => g.params.includes(p))) {
      throw new RangeError(`Parameter ${p.name} appears in more than one parameter group`);
    }
  }
}

/**
 * Checks every group's options with the constructor's rules (they may have been changed since);
 * a RangeError names the group. Runs before anything is written.
 */
export function checkGroupOptions<O>(
  name: string,
  groups: ReadonlyArray<ParamGroup<O>>,
  validateGroup: (options: O) => void,
): void {
  for (let i = 0; i < groups.length; i++) {
    try {
      validateGroup(groups[i]);
    } catch (e) {
      if (e instanceof Error) {
        e.message = `${name}.step: paramGroups[${i}]: ${e.message}; nothing was changed`;
      }
      throw e;
    }
  }
}
