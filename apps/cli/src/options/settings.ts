/**
 * A command's settings: its flags, or the same keys in a `--config FILE.json` (flags win), checked
 * by one zod schema per command. Keys may be written as flags are (`batch-size`) or camelCased
 * (`batchSize`). Every value passes through the parsers in numbers.ts, so a bad number says which
 * flag it was for, wherever it came from.
 *
 *   const s = readSettings(cmd, z.object({ ...common, lr: num('lr').optional() }));
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { parseInteger, parseNames, parseNumber, parseVector } from './numbers.js';
import { UsageError, unknownNameError } from './usage-error.js';

const text = z.union([z.string(), z.number()]);

/** A finite number. */
export const num = (flag: string) => text.transform((v) => parseNumber(flag, v));
/** An integer >= min. */
export const int = (flag: string, min = 0) => text.transform((v) => parseInteger(flag, v, min));
/** Comma-separated numbers, or a JSON array of numbers. */
export const vec = (flag: string) =>
  z.union([text, z.array(z.number())]).transform((v) => parseVector(flag, v));
/** Comma-separated names, or a JSON array of strings. */
export const names = (flag: string) =>
  z.union([z.string(), z.array(z.string())]).transform((v) => parseNames(flag, v));
/** One of a few words, with a suggestion when it is not. */
export const choice = <T extends string>(flag: string, values: readonly T[]) =>
  z.string().transform((v) => {
    if (!values.includes(v as T)) throw unknownNameError(`value for --${flag}`, v, values);
    return v as T;
  });

/** The options every command takes. */
export const common = {
  config: z.string().optional(),
  json: z.boolean().optional(),
  quiet: z.boolean().optional(),
  seed: int('seed', 0).optional(),
};

/** Adds --config, --json, --seed and --quiet to a command. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--config <file>', 'read settings from a JSON file (same keys as the flags; flags win)')
    .option('--json', 'print machine-readable JSON instead of tables and charts')
    .option('--seed <n>', 'seed of every random draw (default 0)')
    .option('--quiet', 'print only the results: no progress bars or explanations');
}

const camel = (key: string) => key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

function readConfig(file: string): Record<string, unknown> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(
      `Cannot read --config ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (e) {
    throw new UsageError(`Invalid JSON in --config ${file}: ${(e as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`Invalid --config ${file}: expected a JSON object of settings`);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), v]));
}

/** The command's flags merged over its config file, validated and converted by `schema`. */
export function readSettings<S extends z.ZodObject>(cmd: Command, schema: S): z.output<S> {
  const flags = cmd.opts() as Record<string, unknown>;
  const config = typeof flags.config === 'string' ? readConfig(flags.config) : {};
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined));
  const where = typeof flags.config === 'string' ? ` in --config ${flags.config}` : '';
  const known = Object.keys(schema.shape);
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) throw unknownNameError('setting', key, known, where.trim());
  }
  const result = schema.strict().safeParse({ ...config, ...given });
  if (!result.success) {
    const issue = result.error.issues[0];
    const key = issue.path.map(String).join('.');
    throw new UsageError(`Invalid value for --${key}${where}: ${issue.message}`);
  }
  return result.data as z.output<S>;
}
