/**
 * The `descent` command: one subcommand per file in commands/. Exit codes: 0 success (a diverged
 * run is a result, not a failure), 2 bad usage or input (message on stderr, nothing written),
 * 1 an unexpected internal error.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { registerAnalyze } from './commands/analyze.js';
import { registerBench } from './commands/bench.js';
import { registerCompare } from './commands/compare.js';
import { registerEval } from './commands/eval.js';
import { registerExport } from './commands/export.js';
import { registerInfo } from './commands/info.js';
import { registerNotes } from './commands/notes.js';
import { registerPredict } from './commands/predict.js';
import { registerProblems } from './commands/problems.js';
import { registerRun } from './commands/run.js';
import { registerSchedule } from './commands/schedule.js';
import { registerTour } from './commands/tour.js';
import { registerTrain } from './commands/train.js';
import { UsageError } from './options/usage-error.js';

/** The CLI's version: its package.json's (beside dist/ and src/ alike). */
export const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function buildProgram(): Command {
  const program = new Command('descent')
    .description('Deep-learning optimization toolkit: optimizers, schedules, Hessian analysis')
    .version(version, '-V, --version', "print descent's version")
    .helpCommand('help [command]', 'display help for descent or for a command (descent help train)')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ outputError: (text, write) => write(`descent: ${text.replace(/^error: /, '')}`) })
    .addHelpText(
      'after',
      `
Start with the tour, then try a command's --help for its options and examples:
  $ descent tour
  $ descent compare --problem rosenbrock --svg race.svg
  $ descent analyze --expr "x^2 - y^2" --at 0,0

Exit codes: 0 done (a diverged run is a result), 2 bad usage or input, 130 / 143 training
stopped by Ctrl-C / SIGTERM (checkpoint written), 1 internal error.`,
    );
  for (const register of [
    registerTour,
    registerNotes,
    registerRun,
    registerCompare,
    registerAnalyze,
    registerSchedule,
    registerTrain,
    registerEval,
    registerPredict,
    registerExport,
    registerProblems,
    registerBench,
    registerInfo,
  ]) {
    register(program);
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    // `descent help NAME` for a command that does not exist is a typo, not a request for the overview
    if (argv[0] === 'help' && argv.length > 1 && !program.commands.some((c) => c.name() === argv[1])) {
      program.parse([argv[1]], { from: 'user' }); // commander's own "unknown command" (+ suggestion)
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    // any value may be thrown: a DOMException's code is a number, a string's is undefined
    const e = (err ?? {}) as { code?: unknown; message?: string };
    const code = typeof e.code === 'string' ? e.code : '';
    // --help, -h, `descent help [command]` and --version succeed
    if (code === 'commander.helpDisplayed' || code === 'commander.help' || code === 'commander.version')
      return 0;
    if (code.startsWith('commander.')) return 2;
    if (err instanceof UsageError || err instanceof RangeError || err instanceof SyntaxError) {
      process.stderr.write(`descent: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(
      `descent: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return 1;
  }
}
