/**
 * Runs the built `descent` binary (dist/bin.js) as a subprocess, stdin closed, and collects what it
 * printed and its exit code. A Node start costs about 0.3 s here (over a second with --expr, which
 * loads mathjs), so tests run independent cases concurrently (`it.concurrent`, `Promise.all`);
 * this module lets at most `maxRunning` of them run at once, which keeps a 2-core machine busy
 * without thrashing it.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { expect } from 'vitest';

export const binary = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const maxRunning = 3;
let running = 0;
const queue: (() => void)[] = [];

/** Waits for a free subprocess slot; the returned function gives it back. */
async function acquireSlot(): Promise<() => void> {
  if (running >= maxRunning) await new Promise<void>((resolve) => queue.push(resolve));
  else running++;
  return () => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };
}

/**
 * `descent ...args` in a new Node process (`nodeArgs` go to node itself, before the script; `env`
 * is added to this process's environment); a signal's death is reported as 128 + its number.
 */
export async function descent(
  args: string[],
  options: { cwd?: string; nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<CliResult> {
  const release = await acquireSlot();
  try {
    return await new Promise<CliResult>((resolve, reject) => {
      const child = spawn(process.execPath, [...(options.nodeArgs ?? []), binary, ...args], {
        cwd: options.cwd,
        env: { ...process.env, NO_COLOR: '1', ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        stdout += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d;
      });
      child.on('error', reject);
      child.on('close', (code, signal) => {
        const died = signal ? 128 + (constants.signals[signal] ?? 0) : 1;
        resolve({ code: code ?? died, stdout, stderr });
      });
    });
  } finally {
    release();
  }
}

/**
 * What every refused command must do: exit code 2, `descent: <message>` on stderr, and nothing on
 * stdout that could pass for a result. (That no output file was left is for the caller to check:
 * it knows where the file would have gone.)
 */
export function expectRefused(r: CliResult, message: RegExp, label?: string): void {
  expect(r.code, `${label ?? ''} exit code; stderr: ${r.stderr}`).toBe(2);
  expect(r.stderr, label).toMatch(message);
  expect(r.stderr, label).toMatch(/^descent: /);
  expect(r.stdout, label).toBe('');
}

/** Parses stdout as JSON, failing with what was printed when it is not. */
export function json<T = unknown>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  }
}

/**
 * The built CLI's main() (dist/main.js) called in this process, with stdout and stderr captured:
 * the same code as the binary without a new Node start, for the --help pages and schedule's charts.
 * Error paths go through the binary (`descent`). Calls must not overlap.
 */
export async function descentInProcess(args: string[]): Promise<CliResult> {
  const { main } = (await import(new URL('../../dist/main.js', import.meta.url).href)) as {
    main: (argv: string[]) => Promise<number>;
  };
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write;
  const err = process.stderr.write;
  const { log, error } = console;
  console.log = (...a: unknown[]) => {
    stdout += `${format(...a)}\n`;
  };
  console.error = (...a: unknown[]) => {
    stderr += `${format(...a)}\n`;
  };
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    console.log = log;
    console.error = error;
  }
}
