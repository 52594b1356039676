/**
 * `descent compare`: the race, one row per optimizer, a terminal chart of log10(f - f*) against
 * the step, and for 2-D problems a contour plot with every optimizer's path (SVG, vega-lite).
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { asciiChart } from '../charts/ascii.js';
import { renderContourSvg } from '../charts/svg.js';
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
import { common, names, readSettings, vec, withCommonOptions } from '../options/settings.js';
import { withThreadsOption } from '../options/threads.js';
import { UsageError, unknownNameError } from '../options/usage-error.js';
import { optimizerNames, optimizerNotes } from '../race/optimizers.js';
import { lossSeries, race, raceHead, raceJson, raceRows } from '../race/race.js';
import { tuneLr, tuneTrials } from '../race/tune.js';
import { renderCsv, renderTable } from '../report/table.js';

const schema = z.object({
  ...common,
  ...objectiveSettings,
  ...optimizerSettings,
  optimizers: names('optimizers').optional(),
  start: vec('start').optional(),
  svg: z.string().optional(),
  csv: z.boolean().optional(),
});

export const defaultRace = ['gd', 'momentum', 'nesterov', 'adam', 'lbfgs', 'newton'];

/** What compare does when a flag is not given (its --help says the same; main.test checks). */
export const compareDefaults = { optimizers: defaultRace.join(','), steps: 1000, ...stoppingDefaults };

export function registerCompare(program: Command): void {
  const cmd = program
    .command('compare')
    .description('race optimizers on one problem: a table, a loss chart, and a contour plot (SVG)')
    .option('--problem <name>', 'a problem of the zoo (descent problems)')
    .option('--expr <formula>', 'or any formula, e.g. "x^2 + 10*y^2"')
    .option('--dim <n>', 'dimension of an n-dimensional problem')
    .option(
      '--optimizers <list>',
      `comma-separated; ${optimizerNotes} (default ${compareDefaults.optimizers})`,
    )
    .option('--start <x,y,...>', "starting point (default: the problem's standard start)")
    .option('--svg <file>', 'write the contour plot with the paths (2-D problems)')
    .option('--csv', 'print the table as CSV');
  withExpressionSymbols(cmd);
  withOptimizerOptions(cmd, compareDefaults.steps);
  withThreadsOption(withCommonOptions(cmd))
    .addHelpText(
      'after',
      `
--lr sets every first-order method's rate; without it each starts from its own default (see run
--help); --tune instead picks each one's rate by a seeded search on this problem, for a fair race.

Examples:
  $ descent compare --problem rosenbrock --optimizers gd,momentum,adam,lbfgs,newton --steps 2000
  $ descent compare --problem ill-conditioned --svg race.svg
  $ descent compare --problem rosenbrock --optimizers gd,adam,adadelta,rmsprop --tune --seed 1`,
    )
    .action(async () => {
      const s = readSettings(cmd, schema);
      if (s.svg !== undefined) checkWritable(s.svg, '--svg');
      const problem = await resolveObjective(s);
      const list = s.optimizers ?? defaultRace;
      for (const name of list)
        if (!optimizerNames.includes(name)) throw unknownNameError('optimizer', name, optimizerNames);
      if (s.svg !== undefined && problem.dim !== 2) {
        throw new UsageError(`--svg draws 2-D problems; ${problem.name} has ${problem.dim} variables`);
      }
      const x0 = resolveStart(problem, s.start);
      const extra = hyperParameters(s);
      checkTune(s);
      const trajectories = list.map((optimizer) => {
        const firstOrder = optimizer !== 'lbfgs' && optimizer !== 'bfgs' && optimizer !== 'newton';
        const spec = {
          options: firstOrder ? extra : {},
          steps: s.steps ?? compareDefaults.steps,
          gtol: s.gtol ?? compareDefaults.gtol,
          tol: s.tol ?? compareDefaults.tol,
        };
        const tuned = s.tune ? tuneLr(problem, x0, { ...spec, optimizer }, s.seed ?? 0)?.lr : undefined;
        return race(problem, x0, [optimizer], { ...spec, lr: firstOrder ? (tuned ?? s.lr) : undefined })[0];
      });
      const svg =
        s.svg === undefined
          ? undefined
          : await renderContourSvg(
              `${problem.name}: ${list.join(', ')}`,
              problem,
              trajectories.map((t) => ({ name: t.optimizer, points: t.path })),
            );
      if (s.json) {
        console.log(
          JSON.stringify(
            {
              problem: problem.name,
              start: Array.from(x0),
              tuned: s.tune ? { trials: tuneTrials, seed: s.seed ?? 0 } : null,
              results: raceJson(trajectories),
            },
            null,
            2,
          ),
        );
      } else if (s.csv) {
        process.stdout.write(renderCsv(raceHead, raceRows(trajectories)));
      } else {
        if (!s.quiet)
          console.log(
            `${problem.name} from (${Array.from(x0).join(', ')}), tol = ${s.tol ?? compareDefaults.tol}${s.tune ? `; each first-order rate tuned on the problem (${tuneTrials} seeded candidates, seed ${s.seed ?? 0})` : ''}`,
          );
        console.log(renderTable(raceHead, raceRows(trajectories)));
        if (!s.quiet) console.log(asciiChart(lossSeries(problem, trajectories), { yLabel: 'log10(f - f*)' }));
      }
      if (svg !== undefined && s.svg !== undefined) {
        writeFileAtomic(s.svg, svg);
        if (!s.quiet && !s.json) console.log(`contour plot with the paths: ${s.svg}`);
      }
    });
}
