/**
 * Output files are written whole or not at all: the text goes to a temporary name in the target's
 * directory, then is renamed over the target (rename is atomic within one file system).
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './usage-error.js';

export function writeFileAtomic(file: string, contents: string): void {
  const temp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, contents);
    renameSync(temp, file);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new UsageError(
      `Cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
}
