#!/usr/bin/env node
/** The `descent` command's entry point. */
import { main } from './main.js';

const code = await main(process.argv.slice(2));
// a command may have set its own exit code (train: 130 after Ctrl-C) while succeeding
process.exitCode = code !== 0 ? code : (process.exitCode ?? 0);
