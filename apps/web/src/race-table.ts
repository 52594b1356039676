/**
 * The race's results table: per racer (copies included, by their own label and colour), steps to tolerance (or where it diverged or left the
 * plot), evaluations of f, the final loss and gradient. An invalid option fills the row with the
 * optimizer's own error.
 */
import type { RaceSummary } from './compute-protocol.js';
import type { Racer } from './racer-list.js';
import { formatNumber } from './ticks.js';

/** What the steps column says of a row: the count, "diverged at step k", "left the plot at step k", "> n". */
export function stepsText(r: RaceSummary): string {
  if (r.trace.divergedAt !== null) return `diverged at step ${r.trace.divergedAt}`;
  if (r.stepsToTolerance !== null) return String(r.stepsToTolerance);
  if (r.trace.leftAt !== null) return `left the plot at step ${r.trace.leftAt}`;
  return `> ${r.iterations}`;
}

export function fillTable(
  body: HTMLTableSectionElement,
  rows: (RaceSummary & { racer: Pick<Racer, 'key' | 'label' | 'colour'> })[],
  note: (r: RaceSummary) => string,
): void {
  body.replaceChildren();
  for (const r of rows) {
    const tr = body.insertRow();
    tr.dataset.method = r.racer.key;
    const cell = (text: string, className: string) => {
      const td = tr.insertCell();
      td.className = className;
      td.textContent = text;
      return td;
    };
    const name = cell('', 'name');
    const swatch = Object.assign(document.createElement('span'), { className: 'swatch' });
    swatch.style.background = r.racer.colour;
    name.append(swatch, r.racer.label);
    cell(r.lr === undefined ? '—' : formatNumber(r.lr), 'lr');
    if (r.error) {
      const td = cell(r.error, 'error');
      td.colSpan = 4;
      continue;
    }
    const steps = cell(stepsText(r), 'steps');
    steps.dataset.value = r.trace.divergedAt === null ? String(r.stepsToTolerance ?? '') : '';
    if (r.trace.divergedAt !== null) steps.dataset.diverged = String(r.trace.divergedAt);
    steps.title = note(r) || r.message;
    if (r.stepsToTolerance === null || r.trace.divergedAt !== null) steps.classList.add('missed');
    cell(String(r.evaluations), 'evals');
    const loss = cell(r.trace.divergedAt !== null ? '—' : formatNumber(r.finalLoss), 'loss');
    loss.dataset.value = String(r.finalLoss);
    cell(r.trace.divergedAt !== null ? '—' : formatNumber(r.finalGradNorm, 2), 'grad');
  }
}
