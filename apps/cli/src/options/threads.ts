/**
 * `--threads <n>`: how many threads the kernels use (@descent/kernels' worker pool), for the
 * commands whose work is large enough for threads to matter (training, evaluation, big problems).
 * Without it the kernels' default holds: the environment variable DESCENT_THREADS if set, else the
 * machine's cores (at most 8). 1 is the single-threaded path. Results do not depend on it: the
 * kernels compute every element on one thread in a fixed order.
 *
 * The flag is applied before the command's action (a preAction hook) and then taken out of the
 * command's options, so the commands' settings schemas never see it.
 */
import { setThreads } from '@descent/kernels';
import type { Command } from 'commander';
import { parseInteger } from './numbers.js';
import { UsageError } from './usage-error.js';

export const threadsHelp =
  'kernel threads: 1 runs single-threaded (default: DESCENT_THREADS, else the cores, at most 8)';

/** Sets the kernels' threads from a --threads value; a bad value is a UsageError naming it. */
export function applyThreads(value: unknown): void {
  if (value === undefined) return;
  const n = parseInteger('threads', value, 1);
  try {
    setThreads(n);
  } catch (e) {
    // setThreads names its argument "threads"; here it was the flag
    const message = (e as Error).message.replace(/^Invalid threads: /, 'Invalid value for --threads: ');
    throw new UsageError(message.startsWith('Invalid value') ? message : `--threads ${n}: ${message}`);
  }
}

/** Adds --threads to `cmd`, applied (and removed from its options) before its action runs. */
export function withThreadsOption(cmd: Command): Command {
  return cmd.option('--threads <n>', threadsHelp).hook('preAction', (_program, action) => {
    applyThreads(action.opts().threads);
    action.setOptionValue('threads', undefined);
  });
}
