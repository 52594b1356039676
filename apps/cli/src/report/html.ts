/** A self-contained HTML report: sections of text, tables and inline SVG figures. */
import { type Cell, formatCell } from './table.js';

export interface ReportSection {
  title: string;
  text?: string;
  table?: { head: string[]; rows: Cell[][] };
  figures?: string[];
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

export function renderHtml(title: string, sections: ReportSection[]): string {
  const body = sections
    .map((s) => {
      const table = s.table
        ? `<table><tr>${s.table.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${s.table.rows
            .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(formatCell(c))}</td>`).join('')}</tr>`)
            .join('')}</table>`
        : '';
      const text = s.text ? `<p>${escapeHtml(s.text)}</p>` : '';
      const figures = (s.figures ?? []).map((svg) => `<figure>${svg}</figure>`).join('');
      return `<section><h2>${escapeHtml(s.title)}</h2>${text}${table}${figures}</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 1em 0; } td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th { background: #f3f3f3; } figure { display: inline-block; margin: 0.5em; }
</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}
</body></html>
`;
}
