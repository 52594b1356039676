import { createHash } from 'node:crypto';
import { iris, subset } from '@descent/mlp';
import { describe, expect, it } from 'vitest';
import { dataChange, fingerprint } from './fingerprint.js';

describe('data fingerprints', () => {
  it('hash the float32 features, int32 labels and names, as a direct SHA-256 of those bytes does', () => {
    const d = iris();
    const h = createHash('sha256');
    h.update(Buffer.from(d.x.buffer, d.x.byteOffset, d.x.byteLength));
    h.update(Buffer.from(d.y.buffer, d.y.byteOffset, d.y.byteLength));
    h.update(JSON.stringify({ features: 4, classNames: ['setosa', 'versicolor', 'virginica'] }));
    expect(fingerprint(d)).toEqual({ rows: 150, sha256: h.digest('hex') });
  });

  it('tell appended rows, a changed value and a changed label apart from the same data', () => {
    const d = iris();
    const base = fingerprint(d);
    expect(dataChange(base, fingerprint(iris()))).toBeUndefined();
    const appended = subset(d, [...Array.from({ length: 150 }, (_, i) => i), 0]);
    expect(dataChange(base, fingerprint(appended))).toMatch(/then 150 rows, .*; now 151 rows/);
    const value = iris();
    value.x[17] += 0.5;
    expect(dataChange(base, fingerprint(value))).toMatch(/changed since the checkpoint/);
    const label = iris();
    label.y[0] = 1;
    expect(fingerprint(label).sha256).not.toBe(base.sha256);
  });
});
