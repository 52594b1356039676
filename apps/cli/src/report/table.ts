/** Rows of results as a terminal table (cli-table3) or as CSV (RFC 4180 quoting). */
import Table from 'cli-table3';

export type Cell = string | number | null;

/** Numbers to 6 significant digits, integers as they are, null as an em dash. */
export function formatCell(v: Cell): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/** The widest a text cell is drawn: longer ones (SciPy's stop messages) wrap onto more lines. */
export const CELL_WIDTH = 32;

/**
 * `text` broken into lines of at most `width` characters, at spaces where it can be, else inside a
 * word (L-BFGS-B's ABNORMAL_TERMINATION_IN_LNSRCH after an underscore); nothing is dropped.
 */
export function wrapCell(text: string, width = CELL_WIDTH): string {
  if (text.length <= width) return text;
  const lines: string[] = [];
  let line = '';
  const words = text.split(/\s+/).flatMap((w) => {
    const parts: string[] = [];
    let rest = w;
    while (rest.length > width) {
      const cut = rest.lastIndexOf('_', width - 1);
      const at = cut > 0 ? cut + 1 : width;
      parts.push(rest.slice(0, at));
      rest = rest.slice(at);
    }
    return [...parts, rest];
  });
  for (const w of words) {
    if (line === '') line = w;
    else if (line.length + 1 + w.length <= width) line += ` ${w}`;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

export function renderTable(head: string[], rows: Cell[][]): string {
  const table = new Table({
    head,
    style: { head: process.stdout.isTTY ? ['cyan'] : [], border: [], compact: true },
  });
  for (const row of rows) table.push(row.map((v) => wrapCell(formatCell(v))));
  return table.toString();
}

function csvField(v: Cell): string {
  const s = v === null ? '' : typeof v === 'number' ? String(v) : v;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function renderCsv(head: string[], rows: Cell[][]): string {
  return `${[head, ...rows].map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}
