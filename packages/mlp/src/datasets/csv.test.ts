import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CsvOptions, loadCsv, parseCsv } from './csv.js';

const text = 'a,b,label\n1,2,0\n3,4.5,2\n-1e-3,6,1\n';

describe('parseCsv', () => {
  it('reads features row-major and integer labels, with the header as names', () => {
    const d = parseCsv(text, { labelColumn: 'label' });
    expect(d.n).toBe(3);
    expect(d.features).toBe(2);
    expect(d.classes).toBe(3);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4.5, -1e-3, 6].map(Math.fround));
    expect(Array.from(d.y)).toEqual([0, 2, 1]);
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(d.classNames).toBeUndefined();
  });

  it('takes the last column as the label by default, and a label column anywhere by index', () => {
    expect(Array.from(parseCsv(text).y)).toEqual([0, 2, 1]);
    const d = parseCsv('y,p,q\n1,5,6\n0,7,8', { labelColumn: 0 });
    expect(Array.from(d.y)).toEqual([1, 0]);
    expect(Array.from(d.x)).toEqual([5, 6, 7, 8]);
    expect(d.featureNames).toEqual(['p', 'q']);
    expect(Array.from(parseCsv('1,5,6\n0,7,8', { header: false, labelColumn: -3 }).y)).toEqual([1, 0]);
  });

  it('maps text labels to 0..K-1 in sorted order and keeps their names', () => {
    const d = parseCsv('x,kind\n1,dog\n2,cat\n3,dog\n4,emu\n', { labelColumn: 'kind' });
    expect(d.classNames).toEqual(['cat', 'dog', 'emu']);
    expect(Array.from(d.y)).toEqual([1, 0, 1, 2]);
    expect(d.classes).toBe(3);
  });

  it('keeps a given label mapping when the file lacks a class (or has integer-looking names)', () => {
    // built from this file alone, dog would be class 0; with the model's names it stays class 1
    const alone = parseCsv('x,kind\n1,dog\n2,emu\n');
    expect(Array.from(alone.y)).toEqual([0, 1]);
    const d = parseCsv('x,kind\n1,dog\n2,emu\n', { classNames: ['cat', 'dog', 'emu'] });
    expect(Array.from(d.y)).toEqual([1, 2]);
    expect(d.classes).toBe(3);
    expect(d.classNames).toEqual(['cat', 'dog', 'emu']);
    // names sorted as text: "10" < "2"; the integers 2 and 10 are not the classes 2 and 10
    const numeric = parseCsv('x,k\n1,2\n2,10\n', { classNames: ['10', '2', 'x'] });
    expect(Array.from(numeric.y)).toEqual([1, 0]);
  });

  it('reads the largest integer label an Int32Array holds without wrapping', () => {
    const d = parseCsv('a,y\n1,2147483646\n');
    expect(d.y[0]).toBe(2 ** 31 - 2);
  });

  it('reads regression targets (several columns) with target: value', () => {
    const d = parseCsv('a,t1,b,t2\n1,0.5,2,-1\n3,1.5,4,-2\n', { labelColumn: ['t1', 't2'], target: 'value' });
    expect(d.targets).toBe(2);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4]);
    expect(Array.from(d.y)).toEqual([0.5, -1, 1.5, -2]);
    expect(d.targetNames).toEqual(['t1', 't2']);
  });

  it('handles CRLF line ends, a byte-order mark, blank lines, spaces, quotes and other delimiters', () => {
    const d = parseCsv('\ufeffa;"b";c\r\n\r\n 1 ;"2"; 0 \r\n3;4;1\r\n\r\n', { delimiter: ';' });
    expect(d.featureNames).toEqual(['a', 'b']);
    expect(Array.from(d.x)).toEqual([1, 2, 3, 4]);
    expect(Array.from(d.y)).toEqual([0, 1]);
  });

  it('keeps a quoted delimiter, an escaped quote and a line break inside one header field', () => {
    const d = parseCsv('"width, cm","say ""hi""","two\nlines",y\n1,2,3,0\n4,5,6,1\n');
    expect(d.featureNames).toEqual(['width, cm', 'say "hi"', 'two\nlines']);
    expect(d.n).toBe(2);
  });

  const errors: [string, string, CsvOptions, RegExp][] = [
    ['a ragged row', 'a,b,y\n1,2,0\n1,2\n', {}, /^line 3 has 2 columns, expected 3 \(line 1 has 3\)$/],
    ['a long row', 'a,b,y\n1,2,0\n\n1,2,3,4\n', {}, /^line 4 has 4 columns, expected 3/],
    [
      'a non-numeric cell',
      'a,b,y\n1,2,0\n3,abc,1\n',
      {},
      /^line 3, column 2 \(b\) is not a finite number: "abc"$/,
    ],
    ['an empty cell', 'a,b,y\n1,,0\n', {}, /^line 2, column 2 \(b\) is empty$/],
    ['NaN', '1,NaN,0\n', { header: false }, /^line 1, column 2 is not a finite number: "NaN"$/],
    ['an empty label', 'a,y\n1,0\n2,\n', {}, /^line 3, column 2 \(y\) is empty$/],
    [
      'a non-numeric target',
      'a,t\n1,x\n',
      { target: 'value' },
      /^line 2, column 2 \(t\) is not a finite number/,
    ],
    [
      'a missing label column name',
      'a,b,c\n1,2,3\n',
      { labelColumn: 'label' },
      /^line 1: missing label column 'label' \(the header has: a, b, c\)$/,
    ],
    [
      'a label column index out of range',
      'a,b\n1,2\n',
      { labelColumn: 5 },
      /^line 1: missing label column: index 5 is out of range \(the line has 2 columns\)$/,
    ],
    [
      'a label column name without a header',
      '1,2\n',
      { labelColumn: 'y', header: false },
      /missing label column 'y': there is no header/,
    ],
    ['an unclosed quote', 'a,y\n"1,0\n', {}, /^line 2: a quoted field is not closed$/],
    ['an empty text', '\n\n', {}, /the CSV is empty/],
    ['a header without rows', 'a,y\n', {}, /a header but no rows/],
    ['a bad delimiter', 'a,y\n1,0\n', { delimiter: ',,' }, /^Invalid delimiter: ",,"/],
    ['two class columns', 'a,b,y\n1,2,0\n', { labelColumn: ['b', 'y'] }, /one class column/],
    [
      'an integer label that would wrap in an Int32Array',
      'a,y\n1,0\n2,3000000000\n',
      {},
      /^line 3, column 2 \(y\): class label 3000000000 is out of range \(integer labels are 0 \.\. 2147483646\)$/,
    ],
    [
      'a label outside the given classNames',
      'a,y\n1,cat\n2,emu\n',
      { classNames: ['cat', 'dog'] },
      /^line 3, column 2 \(y\): unknown label "emu" \(the classes are cat, dog\)$/,
    ],
    ['repeated classNames', 'a,y\n1,cat\n', { classNames: ['cat', 'cat'] }, /^Invalid classNames/],
  ];
  it.each(errors)('names the line and column of %s', (_what, csv, options, message) => {
    expect(() => parseCsv(csv, options)).toThrow(message);
    try {
      parseCsv(csv, options);
    } catch (e) {
      expect(e).toBeInstanceOf(RangeError);
    }
  });

  it('starts its messages with the name it is given', () => {
    expect(() => parseCsv('a,y\n1,0\nx,1\n', { name: 'my.csv' })).toThrow(
      /^my\.csv: line 3, column 1 \(a\) is not a finite number: "x"$/,
    );
  });
});

describe('loadCsv', () => {
  it('reads a file and names it in errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'descent-csv-'));
    const good = join(dir, 'good.csv');
    const bad = join(dir, 'bad.csv');
    writeFileSync(good, text);
    writeFileSync(bad, 'a,b,y\n1,2,0\n1,2\n');
    const d = await loadCsv(good, { labelColumn: 'label' });
    expect(Array.from(d.y)).toEqual([0, 2, 1]);
    await expect(loadCsv(bad)).rejects.toThrow(`${bad}: line 3 has 2 columns, expected 3`);
  });
});
