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

export function renderTable(head: string[], rows: Cell[][]): string {
  const table = new Table({
    head,
    style: { head: process.stdout.isTTY ? ['cyan'] : [], border: [], compact: true },
  });
  for (const row of rows) table.push(row.map(formatCell));
  return table.toString();
}

function csvField(v: Cell): string {
  const s = v === null ? '' : typeof v === 'number' ? String(v) : v;
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

export function renderCsv(head: string[], rows: Cell[][]): string {
  return `${[head, ...rows].map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}
