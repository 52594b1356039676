/**
 * Output files are written whole or not at all: the text goes to a temporary name of its own in the
 * target's directory (pid, a counter and random bytes: two writes never share one), is flushed to
 * disk (fsync), then renamed over the target (rename is atomic within one file system).
 *
 * `checkWritable` is called before any work: an output that cannot be written (a missing
 * directory, a parent that is a file, a target that is a directory) is refused at once, instead of
 * after a long training run whose result would be lost.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from './usage-error.js';

let counter = 0;

/** A fresh temporary name beside `file`. */
function temporaryName(file: string, kind: string): string {
  counter += 1;
  return join(
    dirname(file),
    `.${basename(file)}.${process.pid}-${counter}-${randomBytes(4).toString('hex')}.${kind}`,
  );
}

const reason = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

/** Removes a temporary file, ignoring every error (its directory may not even exist). */
function discard(temp: string): void {
  try {
    rmSync(temp, { force: true });
  } catch {
    // nothing was created
  }
}

/** Throws a UsageError naming `flag` unless `file` can be written (probed with a temporary file). */
export function checkWritable(file: string, flag: string): void {
  try {
    if (statSync(file).isDirectory()) throw new UsageError(`Cannot write ${flag} ${file}: it is a directory`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR')
      throw new UsageError(`Cannot write ${flag} ${file}: ${dirname(file)} is not a directory`);
    if (code !== 'ENOENT') throw new UsageError(`Cannot write ${flag} ${file}: ${reason(e)}`);
  }
  const probe = temporaryName(file, 'probe');
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? `the directory ${dirname(file)} does not exist`
        : code === 'ENOTDIR'
          ? `${dirname(file)} is not a directory`
          : reason(e);
    throw new UsageError(`Cannot write ${flag} ${file}: ${why}`);
  }
  discard(probe);
}

export function writeFileAtomic(file: string, contents: string): void {
  const temp = temporaryName(file, 'tmp');
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeFileSync(fd, contents);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (e) {
    discard(temp);
    throw new UsageError(`Cannot write ${file}: ${reason(e)}`);
  }
}
