/**
 * The `descent` command. While the CLI is young, `descent tour` shows each package at work as it
 * lands.
 */
import { Command } from 'commander';
import { tour } from './tour.js';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('descent')
    .description('Deep-learning optimization toolkit: optimizers, schedules, Hessian analysis')
    .exitOverride();
  program
    .command('tour')
    .description('a short tour of descent on built-in data')
    .action(async () => {
      await tour((line) => console.log(line));
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    const e = err as { exitCode?: number; code?: string; message?: string };
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return 0;
    if (e.code?.startsWith('commander.')) return 2;
    console.error(`descent: ${e.message ?? String(err)}`);
    return 1;
  }
}
