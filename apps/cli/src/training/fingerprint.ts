/**
 * A fingerprint of a training set: its row count and the SHA-256 of what training reads (the
 * features as float32 bytes, the labels as int32 bytes, the class names). `train --save` stores
 * it, and `train --resume` compares it with the data it loads again: rows appended to a CSV, or a
 * changed value, would otherwise carry the run on silently with other data.
 */
import { createHash } from 'node:crypto';
import type { ClassificationDataset, RegressionDataset } from '@descent/mlp';

export interface DataFingerprint {
  rows: number;
  sha256: string;
}

export function fingerprint(data: ClassificationDataset | RegressionDataset): DataFingerprint {
  const hash = createHash('sha256');
  const bytes = (a: Float32Array | Int32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  hash.update(bytes(Float32Array.from(data.x)));
  // class labels as int32 (as always); regression targets as the float32 values they are
  hash.update(bytes(data.y instanceof Float32Array ? data.y : Int32Array.from(data.y)));
  const classNames = 'classNames' in data ? (data.classNames ?? null) : null;
  hash.update(JSON.stringify({ features: data.features, classNames }));
  return { rows: data.n, sha256: hash.digest('hex') };
}

/** A sentence saying how the data changed, or undefined when it did not. */
export function dataChange(saved: DataFingerprint, now: DataFingerprint): string | undefined {
  if (saved.rows === now.rows && saved.sha256 === now.sha256) return undefined;
  const what = (f: DataFingerprint) => `${f.rows} rows, sha256 ${f.sha256.slice(0, 12)}`;
  return `the data changed since the checkpoint was written (then ${what(saved)}; now ${what(now)})`;
}
