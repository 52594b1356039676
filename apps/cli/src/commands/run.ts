/**
 * `descent run`: one optimizer on one problem (or formula), its trajectory as a table, CSV or
 * JSON. A run that blows up is reported ("diverged at step N"), with exit code 0.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  objectiveSettings,
  resolveObjective,
  resolveStart,
  withExpressionSymbols,
} from '../options/objective.js';
import {
  checkTune,
  hyperParameters,
  optimizerSettings,
  stoppingDefaults,
  withOptimizerOptions,
} from '../options/optimizer-flags.js';
import { checkWritable, writeFileAtomic } from '../options/output-file.js';
import { parseSchedule } from '../options/schedule-spec.js';
import { choice, common, int, readSettings, vec, withCommonOptions } from '../options/settings.js';
import { withThreadsOption } from '../options/threads.js';
import { UsageError, unknownNameError } from '../options/usage-error.js';
import { automaticLr, optimizerNames, optimizerNotes } from '../race/optimizers.js';
import { growing } from '../race/race.js';
import { runTrajectory, type Trajectory } from '../race/trajectory.js';
import { tuneLr } from '../race/tune.js';
import { type Cell, renderCsv, renderTable } from '../report/table.js';

const schema = z.object({
  ...common,
  ...objectiveSettings,
  ...optimizerSettings,
  optimizer: z.string().optional(),
  schedule: z.string().optional(),
  start: vec('start').optional(),
  format: choice('format', ['table', 'csv', 'json'] as const).optional(),
  out: z.string().optional(),
  rows: int('rows', 1).optional(),
});

/** What run does when a flag is not given (its --help says the same; main.test checks). */
export const runDefaults = {
  optimizer: 'gd',
  steps: 200,
  rows: 12,
  format: 'table' as const,
  ...stoppingDefaults,
};

/** "converged in 12 steps", "diverged at step 7", "stopped after 200 steps". */
export function outcome(t: Trajectory): string {
  if (t.divergedAt !== null) return `diverged at step ${t.divergedAt}`;
  if (t.converged) return `converged in ${t.nit} steps`;
  if (growing(t)) return `diverging after ${t.nit} steps (f rose above f(x0) = ${t.f[0]})`;
  return `stopped after ${t.nit} steps (${t.message})`;
}

export function trajectoryJson(problem: string, start: Float64Array, t: Trajectory) {
  return {
    problem,
    optimizer: t.optimizer,
    lr: t.lr,
    start: Array.from(start),
    outcome: outcome(t),
    converged: t.converged,
    message: t.message,
    divergedAt: t.divergedAt,
    stepsToTol: t.stepsToTol,
    nit: t.nit,
    nfev: t.nfev,
    ngev: t.ngev,
    nhev: t.nhev,
    fun: t.fun,
    x: Array.from(t.x),
    /** every step up to 10,000 steps; beyond, evenly spaced ones (a power-of-two stride), the peaks and troughs between them, and the last */
    trajectory: t.f.map((f, i) => ({ step: t.steps[i], f, x: t.path[i] ? Array.from(t.path[i]) : null })),
  };
}

export function registerRun(program: Command): void {
  const cmd = program
    .command('run')
    .description('one optimizer on one problem: its trajectory as a table, CSV or JSON')
    .option('--problem <name>', 'a problem of the zoo (descent problems)')
    .option('--expr <formula>', 'or any formula, e.g. "x^2 - y^2" (gradient and Hessian are symbolic)')
    .option('--dim <n>', 'dimension of an n-dimensional problem (rosenbrock, rastrigin, ...)')
    .option(
      '--optimizer <name>',
      `one of ${optimizerNames.join(', ')}; ${optimizerNotes} (default ${runDefaults.optimizer})`,
    )
    .option('--schedule <spec>', 'learning-rate schedule SPEC (see descent schedule --help)')
    .option('--start <x,y,...>', "starting point (default: the problem's standard start)")
    .option('--format <f>', `table, csv or json (default ${runDefaults.format})`)
    .option('--out <file>', 'write the table, CSV or JSON to a file instead of stdout')
    .option('--rows <n>', `table rows shown, evenly spaced (default ${runDefaults.rows})`);
  withExpressionSymbols(cmd);
  withOptimizerOptions(cmd, runDefaults.steps);
  withThreadsOption(withCommonOptions(cmd))
    .addHelpText(
      'after',
      `
Without --lr, gd/sgd/momentum/nesterov take 1/lambda_max of the Hessian at the start (torch's SGD
has no default rate), the others their own default, which is torch's (adam 1e-3, adadelta 1.0,
rmsprop 1e-2, ...); lbfgs, bfgs and newton use a line search. --tune picks the rate by a seeded
search on the problem (24 candidates around the default; --seed). With --schedule and no --lr the
schedule's base rate is that same default.

Examples:
  $ descent run --problem rosenbrock --optimizer lbfgs
  $ descent run --expr "0.1*x^2 + 2*y^2" --optimizer momentum --lr 0.1 --start 10,1 --format csv
  $ descent run --problem ill-conditioned --optimizer gd --lr 0.4 --schedule cosine:TMax=50 --steps 50`,
    )
    .action(async () => {
      const s = readSettings(cmd, schema);
      if (s.out !== undefined) checkWritable(s.out, '--out');
      const problem = await resolveObjective(s);
      const optimizer = s.optimizer ?? runDefaults.optimizer;
      if (!optimizerNames.includes(optimizer)) throw unknownNameError('optimizer', optimizer, optimizerNames);
      const x0 = resolveStart(problem, s.start);
      const steps = s.steps ?? runDefaults.steps;
      const rows = s.rows ?? runDefaults.rows;
      checkTune(s);
      if (s.tune && s.schedule !== undefined) {
        throw new UsageError('--tune picks a constant rate; with --schedule give the base rate as --lr');
      }
      const stop = { steps, gtol: s.gtol ?? runDefaults.gtol, tol: s.tol ?? runDefaults.tol };
      const tuned = s.tune
        ? tuneLr(problem, x0, { ...stop, optimizer, options: hyperParameters(s) }, s.seed ?? 0)?.lr
        : undefined;
      // the schedule's base rate is the rate the run would use without it (--lr, else automatic)
      const baseLr = s.lr ?? automaticLr(optimizer, problem, x0);
      const schedule =
        s.schedule === undefined ? undefined : parseSchedule(s.schedule, { lr: baseLr ?? 0.1, steps });
      const t = runTrajectory(problem, x0, {
        optimizer,
        lr: tuned ?? s.lr,
        options: hyperParameters(s),
        schedule,
        steps,
        gtol: s.gtol ?? runDefaults.gtol,
        tol: s.tol ?? runDefaults.tol,
      });
      const format = s.json ? 'json' : (s.format ?? runDefaults.format);
      // a formula's own variable names (a, b, e, ...), else x1, x2, ...
      const names =
        (problem as { variables?: string[] }).variables ??
        Array.from({ length: problem.dim }, (_, i) => `x${i + 1}`);
      const head = ['step', 'f(x)', ...names];
      const body: Cell[][] = t.f.map((f, i) => [t.steps[i], f, ...Array.from(t.path[i] ?? [])]);
      let text: string;
      if (format === 'json') text = `${JSON.stringify(trajectoryJson(problem.name, x0, t), null, 2)}\n`;
      else if (format === 'csv') text = renderCsv(head, body);
      else {
        const shown = Math.max(2, rows);
        const picks = [
          ...new Set(
            Array.from({ length: Math.min(shown, body.length) }, (_, i) =>
              Math.round((i * (body.length - 1)) / Math.max(1, Math.min(shown, body.length) - 1)),
            ),
          ),
        ];
        const lrText = t.lr === null ? 'line search' : `lr ${t.lr}`;
        text = `${s.quiet ? '' : `${optimizer} (${lrText}) on ${problem.name} from (${Array.from(x0).join(', ')})\n`}${renderTable(
          head,
          picks.map((k) => body[k]),
        )}\n${outcome(t)}: f = ${formatF(t.fun)}\n`;
      }
      if (s.out !== undefined) {
        writeFileAtomic(s.out, text);
        if (!s.quiet) console.log(`${outcome(t)}; wrote ${s.out}`);
      } else process.stdout.write(text);
    });
}

function formatF(f: number): string {
  return Number.isFinite(f) ? String(Number(f.toPrecision(6))) : String(f);
}
