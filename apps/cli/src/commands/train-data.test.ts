/**
 * `descent train` / `eval` keep the meaning of the data they were given: eval numbers labels as the
 * model does, --resume notices changed data, and labels that would wrap are refused.
 */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { iris, loadCsv } from '@descent/mlp';
import { beforeAll, describe, expect, it } from 'vitest';
import { descent, expectRefused, json } from '../test-support/descent.js';
import { fingerprint } from '../training/fingerprint.js';

const dir = mkdtempSync(join(tmpdir(), 'descent-train-data-'));
const names = ['setosa', 'versicolor', 'virginica'];
const d = iris();
const line = (i: number) => [...d.x.subarray(i * 4, i * 4 + 4), names[d.y[i]]].join(',');
const rows = Array.from({ length: d.n }, (_, i) => i);
const header = 'a,b,c,d,species\n';
const full = join(dir, 'iris-text.csv');
const model = join(dir, 'model.json');
const train = ['train', '--data', full, '--layers', '8', '--epochs', '3', '--lr', '0.05', '--quiet'];

type Scored = { n: number; accuracy: number; confusion: number[][] };

beforeAll(async () => {
  writeFileSync(full, header + rows.map(line).join('\n'));
  const r = await descent([...train, '--save', model]);
  expect(r.code, r.stderr).toBe(0);
});

describe('descent eval keeps the model’s label numbering', () => {
  it('scores a file lacking one class as the matching rows of the full file score', async () => {
    const noSetosa = join(dir, 'no-setosa.csv');
    writeFileSync(
      noSetosa,
      header +
        rows
          .filter((i) => d.y[i] !== 0)
          .map(line)
          .join('\n'),
    );
    const [all, part] = await Promise.all([
      descent(['eval', '--model', model, '--data', full, '--all-rows', '--json']),
      descent(['eval', '--model', model, '--data', noSetosa, '--json']),
    ]);
    const a = json<Scored>(all);
    const p = json<Scored>(part);
    // rows 1 and 2 of the full confusion matrix are the versicolor and virginica rows
    const right = a.confusion[1][1] + a.confusion[2][2];
    const count = a.confusion[1].concat(a.confusion[2]).reduce((s, v) => s + v, 0);
    expect(p.n).toBe(100);
    expect(p.accuracy).toBeCloseTo(right / count, 12);
    expect(p.confusion).toEqual([[0, 0, 0], a.confusion[1], a.confusion[2]]);
  });

  it('refuses a label the model does not know, naming its line', async () => {
    const odd = join(dir, 'odd.csv');
    writeFileSync(odd, `${header}${line(0)}\n1,2,3,4,tulip\n`);
    expectRefused(
      await descent(['eval', '--model', model, '--data', odd]),
      /odd\.csv: line 3, column 5 \(species\): unknown label "tulip" \(the classes are setosa, versicolor, virginica\)/,
    );
  });
});

describe('descent train --resume checks the data', () => {
  it('refuses rows appended since the checkpoint, unless --accept-data-change', async () => {
    const data = join(dir, 'growing.csv');
    writeFileSync(data, header + rows.map(line).join('\n'));
    const ck = join(dir, 'growing.json');
    expect((await descent([...train.map((a) => (a === full ? data : a)), '--save', ck])).code).toBe(0);
    const before = readFileSync(ck, 'utf8');
    appendFileSync(data, `\n${line(0)}\n${line(60)}`);
    const refused = await descent(['train', '--resume', ck, '--epochs', '4']);
    expectRefused(
      refused,
      /the data changed since the checkpoint was written \(then 150 rows, sha256 [0-9a-f]{12}; now 152 rows, .*--accept-data-change/,
    );
    expect(readFileSync(ck, 'utf8')).toBe(before);
    const accepted = await descent([
      'train',
      '--resume',
      ck,
      '--epochs',
      '4',
      '--accept-data-change',
      '--json',
    ]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(json<{ epoch: number }>(accepted).epoch).toBe(4);
  });

  it('warns when the checkpoint predates fingerprints, and resumes', async () => {
    const old = join(dir, 'old.json');
    const file = JSON.parse(readFileSync(model, 'utf8'));
    delete file.cli.data;
    writeFileSync(old, JSON.stringify(file));
    const r = await descent(['train', '--resume', old, '--epochs', '4', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: the checkpoint records no data fingerprint/);
  });

  it('keeps the model’s label numbering when resuming on changed data that lacks a class', async () => {
    const data = join(dir, 'shrinking.csv');
    writeFileSync(data, header + rows.map(line).join('\n'));
    const ck = join(dir, 'shrinking.json');
    expect((await descent([...train.map((a) => (a === full ? data : a)), '--save', ck])).code).toBe(0);
    // without setosa, the file alone would number versicolor 0 and virginica 1
    writeFileSync(
      data,
      header +
        rows
          .filter((i) => d.y[i] !== 0)
          .map(line)
          .join('\n'),
    );
    const r = await descent(['train', '--resume', ck, '--epochs', '4', '--accept-data-change', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    // the run trained on labels numbered by the model's names: its recorded fingerprint is theirs
    const saved = JSON.parse(readFileSync(ck, 'utf8')).cli.data;
    expect(saved).toEqual(fingerprint(await loadCsv(data, { classNames: names })));
    expect(saved).not.toEqual(fingerprint(await loadCsv(data)));
  });
});

describe('descent train refuses labels an Int32Array cannot hold', () => {
  it('names the line of a label of 3,000,000,000 (it would wrap to a negative class)', async () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, 'a,b,label\n1,2,0\n3,4,3000000000\n');
    expectRefused(
      await descent(['train', '--data', big]),
      /big\.csv: line 3, column 3 \(label\): class label 3000000000 is out of range/,
    );
  });
});
