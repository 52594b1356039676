#!/usr/bin/env node
/** The `descent` command's entry point. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
