/**
 * `descent info`: what descent runs on here: its version, Node's, and the kernels' backend
 * (`backendInfo()` of @descent/kernels): how many threads, which SIMD build (plain, or relaxed with
 * fused multiply-adds), whether memory is shared, whether the worker pool started, and why.
 * The workers are started (and waited for) first, so "workers: running" is a fact, not a plan.
 */
import { backendInfo, threadsReady } from '@descent/kernels';
import type { Command } from 'commander';
import { z } from 'zod';
import { version } from '../main.js';
import { common, readSettings, withCommonOptions } from '../options/settings.js';
import { withThreadsOption } from '../options/threads.js';

export function registerInfo(program: Command): void {
  const cmd = program
    .command('info')
    .description('the version and the compute backend: threads, SIMD build, shared memory');
  withThreadsOption(withCommonOptions(cmd))
    .addHelpText(
      'after',
      `
The threads come from --threads, else the environment variable DESCENT_THREADS, else the
machine's cores (at most 8); DESCENT_SIMD=plain|relaxed picks the SIMD build.

Examples:
  $ descent info
  $ DESCENT_THREADS=1 descent info --json`,
    )
    .action(async () => {
      const s = readSettings(cmd, z.object({ ...common }));
      await threadsReady();
      const backend = backendInfo();
      const info = { version, node: process.versions.node, ...backend };
      if (s.json) {
        console.log(JSON.stringify(info, null, 2));
        return;
      }
      console.log(`descent ${version} on Node ${info.node}`);
      console.log(`threads        ${backend.threads}${backend.workersRunning ? ' (workers running)' : ''}`);
      console.log(
        `simd           ${backend.simd}${backend.simd === 'relaxed' ? ' (fused multiply-add)' : ''}`,
      );
      console.log(`shared memory  ${backend.sharedMemory ? 'yes' : 'no'}`);
      if (!s.quiet) console.log(`why            ${backend.reason}`);
    });
}
