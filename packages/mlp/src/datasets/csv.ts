/**
 * Numeric CSV files as data sets: `parseCsv(text, { labelColumn, header })` and `loadCsv(path)`.
 *
 * Every cell but the label must be a finite number; the label column holds class labels, either
 * integers 0 .. K-1 (kept as they are) or any other text, mapped to 0 .. K-1 in sorted order
 * (sklearn's LabelEncoder; the names become `classNames`). Integer labels must be at most
 * 2^31 - 2 (an Int32Array holds them; larger ones would wrap to negative classes). Pass
 * `classNames` (a trained model's) to keep that mapping instead: label `classNames[k]` is class k,
 * whichever classes the file happens to contain, and a label not among them is an error. With
 * `target: 'value'` the label column(s) are numeric regression targets instead.
 *
 * Fields follow RFC 4180: a comma (or `delimiter`) separates them, double quotes may enclose a
 * field ("" is a quote inside one), lines end with \n or \r\n, blank lines are skipped. Bad input
 * throws a RangeError naming the line (1-based, as an editor counts, the header included) and the
 * column (1-based, with its header name): ragged rows, non-numeric or empty cells, a label column
 * that does not exist.
 */
import type { ClassificationDataset, RegressionDataset } from './dataset.js';

export interface CsvOptions {
  /**
   * The label column: its 0-based index (negative counts from the end: -1 is the last column) or
   * its header name. Default -1. With `target: 'value'`, an array of columns is accepted too.
   */
  labelColumn?: number | string | (number | string)[];
  /** The first line names the columns (default true). */
  header?: boolean;
  /** Field separator, one character (default ','). */
  delimiter?: string;
  /** 'class' (default): integer or text labels -> Int32Array; 'value': numeric targets -> Float32Array. */
  target?: 'class' | 'value';
  /** What to call the input in error messages (loadCsv passes the path). */
  name?: string;
  /**
   * The class names of an existing mapping (a trained model's `classNames`): label text
   * `classNames[k]` becomes class k; any other label throws. Default: built from this file.
   */
  classNames?: string[];
}

/** The largest integer label: classes = label + 1 must fit an Int32. */
const MAX_CSV_LABEL = 2 ** 31 - 2;

interface Record {
  line: number;
  fields: string[];
}

/** Splits text into records, each with the line it starts on (RFC 4180 quoting; blank lines skipped). */
function records(text: string, delimiter: string, where: string): Record[] {
  const out: Record[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let quoted = false; // inside a quoted field
  let wasQuoted = false; // the current field was quoted (so an empty "" is a field)
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0].trim() !== '' || wasQuoted) out.push({ line: start, fields });
    fields = [];
    field = '';
    wasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field.trim() === '') {
      quoted = true;
      wasQuoted = true;
      field = '';
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      wasQuoted = false;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += ch;
  }
  if (quoted) throw new RangeError(`${where}line ${start}: a quoted field is not closed`);
  if (field !== '' || fields.length > 0 || wasQuoted) endRecord();
  return out;
}

/** Resolves one label column spec to a 0-based index, or throws naming what is missing. */
function labelIndex(
  spec: number | string,
  names: string[] | undefined,
  width: number,
  line: number,
  where: string,
): number {
  if (typeof spec === 'number') {
    if (!Number.isInteger(spec) || spec >= width || spec < -width) {
      throw new RangeError(
        `${where}line ${line}: missing label column: index ${spec} is out of range (the line has ${width} columns)`,
      );
    }
    return spec < 0 ? width + spec : spec;
  }
  if (typeof spec !== 'string') throw new TypeError(`Invalid labelColumn: ${String(spec)}`);
  if (!names) {
    throw new RangeError(
      `${where}line ${line}: missing label column '${spec}': there is no header (header: false)`,
    );
  }
  const j = names.indexOf(spec);
  if (j < 0) {
    throw new RangeError(
      `${where}line ${line}: missing label column '${spec}' (the header has: ${names.join(', ')})`,
    );
  }
  return j;
}

/** Parses numeric CSV text into a classification data set (or a regression one with target: 'value'). */
export function parseCsv(text: string, options?: CsvOptions & { target?: 'class' }): ClassificationDataset;
export function parseCsv(text: string, options: CsvOptions & { target: 'value' }): RegressionDataset;
export function parseCsv(text: string, options?: CsvOptions): ClassificationDataset | RegressionDataset;
export function parseCsv(text: string, options: CsvOptions = {}): ClassificationDataset | RegressionDataset {
  if (typeof text !== 'string') throw new TypeError('parseCsv: text must be a string');
  const { labelColumn = -1, header = true, delimiter = ',', target = 'class', name } = options;
  const given = options.classNames;
  if (
    given !== undefined &&
    (!Array.isArray(given) ||
      given.length === 0 ||
      !given.every((c) => typeof c === 'string') ||
      new Set(given).size !== given.length)
  ) {
    throw new RangeError(
      `Invalid classNames: ${JSON.stringify(given)} (expected distinct strings, at least one)`,
    );
  }
  if (
    typeof delimiter !== 'string' ||
    delimiter.length !== 1 ||
    delimiter === '"' ||
    /[\r\n]/.test(delimiter)
  ) {
    throw new RangeError(`Invalid delimiter: ${JSON.stringify(delimiter)} (expected one character)`);
  }
  if (typeof header !== 'boolean')
    throw new RangeError(`Invalid header: ${String(header)} (expected a boolean)`);
  if (target !== 'class' && target !== 'value') {
    throw new RangeError(`Invalid target: ${String(target)} (expected 'class' or 'value')`);
  }
  const where = name ? `${name}: ` : '';
  const recs = records(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, delimiter, where);
  if (recs.length === 0) throw new RangeError(`${where}the CSV is empty`);
  const names = header ? recs[0].fields.map((f) => f.trim()) : undefined;
  const rows = header ? recs.slice(1) : recs;
  if (rows.length === 0) throw new RangeError(`${where}the CSV has a header but no rows`);
  const width = names ? names.length : rows[0].fields.length;
  const specs = Array.isArray(labelColumn) ? labelColumn : [labelColumn];
  if (specs.length === 0) throw new RangeError('Invalid labelColumn: [] (expected at least one column)');
  if (specs.length > 1 && target === 'class') {
    throw new RangeError(
      `Invalid labelColumn: ${JSON.stringify(labelColumn)} (one class column; several need target: 'value')`,
    );
  }
  const labelCols = specs.map((s) => labelIndex(s, names, width, recs[0].line, where));
  if (new Set(labelCols).size !== labelCols.length) {
    throw new RangeError(`Invalid labelColumn: ${JSON.stringify(labelColumn)} names a column twice`);
  }
  const isLabel = new Uint8Array(width);
  for (const j of labelCols) isLabel[j] = 1;
  const featureCols: number[] = [];
  for (let j = 0; j < width; j++) if (!isLabel[j]) featureCols.push(j);
  if (featureCols.length === 0) throw new RangeError(`${where}no feature columns (every column is a label)`);

  const n = rows.length;
  const features = featureCols.length;
  const x = new Float32Array(n * features);
  const colName = (j: number) => (names ? ` (${names[j]})` : '');
  const numberAt = (r: Record, j: number): number => {
    const cell = r.fields[j].trim();
    const v = cell === '' ? Number.NaN : Number(cell);
    if (!Number.isFinite(v)) {
      const what = cell === '' ? 'is empty' : `is not a finite number: ${JSON.stringify(cell)}`;
      throw new RangeError(`${where}line ${r.line}, column ${j + 1}${colName(j)} ${what}`);
    }
    return v;
  };
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r.fields.length !== width) {
      throw new RangeError(
        `${where}line ${r.line} has ${r.fields.length} columns, expected ${width} (line ${recs[0].line} has ${width})`,
      );
    }
    for (let k = 0; k < features; k++) x[i * features + k] = numberAt(r, featureCols[k]);
  }
  const featureNames = names ? featureCols.map((j) => names[j]) : undefined;

  if (target === 'value') {
    const targets = labelCols.length;
    const y = new Float32Array(n * targets);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < targets; k++) y[i * targets + k] = numberAt(rows[i], labelCols[k]);
    const out: RegressionDataset = { x, y, n, features, targets };
    if (names) Object.assign(out, { featureNames, targetNames: labelCols.map((j) => names[j]) });
    return out;
  }

  const lc = labelCols[0];
  const cells = rows.map((r) => r.fields[lc].trim());
  for (let i = 0; i < n; i++) {
    if (cells[i] === '')
      throw new RangeError(`${where}line ${rows[i].line}, column ${lc + 1}${colName(lc)} is empty`);
  }
  const y = new Int32Array(n);
  let classes: number;
  let classNames: string[] | undefined;
  if (given) {
    const index = new Map(given.map((c, k) => [c, k]));
    for (let i = 0; i < n; i++) {
      const k = index.get(cells[i]);
      if (k === undefined) {
        throw new RangeError(
          `${where}line ${rows[i].line}, column ${lc + 1}${colName(lc)}: unknown label ${JSON.stringify(cells[i])} (the classes are ${given.join(', ')})`,
        );
      }
      y[i] = k;
    }
    classNames = [...given];
    classes = given.length;
  } else if (cells.every((c) => /^\+?\d+$/.test(c))) {
    classes = 0;
    for (let i = 0; i < n; i++) {
      const label = Number(cells[i]);
      if (label > MAX_CSV_LABEL) {
        throw new RangeError(
          `${where}line ${rows[i].line}, column ${lc + 1}${colName(lc)}: class label ${cells[i]} is out of range (integer labels are 0 .. ${MAX_CSV_LABEL})`,
        );
      }
      y[i] = label;
      classes = Math.max(classes, label + 1);
    }
  } else {
    classNames = [...new Set(cells)].sort();
    const index = new Map(classNames.map((c, k) => [c, k]));
    for (let i = 0; i < n; i++) y[i] = index.get(cells[i])!;
    classes = classNames.length;
  }
  const out: ClassificationDataset = { x, y, n, features, classes };
  if (featureNames) out.featureNames = featureNames;
  if (classNames) out.classNames = classNames;
  return out;
}

/**
 * Reads a CSV file (Node: a path; browser or Node: an http(s) URL, with fetch) and parses it with
 * `parseCsv`; error messages start with the path.
 */
export async function loadCsv(
  path: string | URL,
  options?: CsvOptions & { target?: 'class' },
): Promise<ClassificationDataset>;
export async function loadCsv(
  path: string | URL,
  options: CsvOptions & { target: 'value' },
): Promise<RegressionDataset>;
export async function loadCsv(
  path: string | URL,
  options?: CsvOptions,
): Promise<ClassificationDataset | RegressionDataset>;
export async function loadCsv(
  path: string | URL,
  options: CsvOptions = {},
): Promise<ClassificationDataset | RegressionDataset> {
  const source = String(path);
  const remote = /^(https?|blob|data):/i.test(source);
  let text: string;
  if (!remote && typeof process !== 'undefined' && process.versions?.node) {
    // A variable specifier, so that bundlers leave Node's fs out of browser builds.
    const fsModule = 'node:fs/promises';
    const fs: typeof import('node:fs/promises') = await import(/* @vite-ignore */ fsModule);
    text = await fs.readFile(path, 'utf8');
  } else {
    const response = await fetch(path);
    if (!response.ok) throw new Error(`loadCsv: ${source}: HTTP ${response.status} ${response.statusText}`);
    text = await response.text();
  }
  return parseCsv(text, { name: source, ...options });
}
