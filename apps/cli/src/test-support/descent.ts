/** Runs the built `descent` binary (dist/bin.js) as a subprocess and collects what it printed. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

export const binary = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function descent(args: string[], options: { cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [binary, ...args],
      { cwd: options.cwd, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
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
 * the same code as the binary without a new Node start (each start loads mathjs, about a second),
 * for the many error-path cases. Calls must not overlap.
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
