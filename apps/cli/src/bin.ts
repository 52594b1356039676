#!/usr/bin/env node
/** The `descent` command's entry point. */
import { main } from './main.js';

// `descent ... | head`: the reader left; stop quietly, as Unix tools do
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const code = await main(process.argv.slice(2));
// a command may have set its own exit code (train: 130 after Ctrl-C) while succeeding
process.exitCode = code !== 0 ? code : (process.exitCode ?? 0);
