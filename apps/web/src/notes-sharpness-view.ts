/**
 * Sharpness on the page: the largest Hessian eigenvalue and the Hessian's trace at the minimum each
 * optimizer found on a small network (notes-sharpness.ts, in the compute worker), as bars side by
 * side and as a table, with what they mean.
 */
import { ComputeClient } from './compute-client.js';
import { onFirstSight } from './first-sight.js';
import type { SharpnessRow } from './notes-sharpness.js';
import { svg } from './surface-plot.js';
import { formatNumber } from './ticks.js';

/** Two panels of horizontal bars, λ_max and trace, one bar per optimizer, each scaled to its panel's largest. */
function drawBars(root: SVGSVGElement, rows: SharpnessRow[]): void {
  root.replaceChildren();
  const width = 400;
  const bar = 22;
  const labelWidth = 116;
  const measures: [string, keyof SharpnessRow][] = [
    ['λ_max(∇²L): the steepest curvature', 'lambdaMax'],
    ['trace ∇²L: all the curvature', 'trace'],
  ];
  let y = 4;
  for (const [title, key] of measures) {
    svg('text', { x: 0, y: y + 14, class: 'axis-label' }, root).textContent = title;
    y += 22;
    const largest = Math.max(...rows.map((r) => r[key] as number));
    for (const r of rows) {
      const v = r[key] as number;
      const w = Math.max(1, ((width - labelWidth - 60) * v) / largest);
      svg('text', { x: labelWidth - 6, y: y + 15, 'text-anchor': 'end' }, root).textContent = r.name;
      const rect = svg(
        'rect',
        { x: labelWidth, y, width: w, height: bar - 4, fill: r.colour, class: 'bar' },
        root,
      );
      rect.dataset.measure = key;
      rect.dataset.name = r.name;
      rect.dataset.value = String(v);
      svg('text', { x: labelWidth + w + 6, y: y + 15 }, root).textContent = formatNumber(v, 3);
      y += bar;
    }
    y += 10;
  }
  root.setAttribute('viewBox', `0 0 ${width} ${y}`);
  root.setAttribute('width', String(width));
  root.setAttribute('height', String(y));
}

export function sharpnessView(): HTMLElement & { restore(): void } {
  const section = document.createElement('section');
  section.id = 'sharpness';
  section.innerHTML = `<h2>Flat or sharp: the minimum each optimizer found</h2>
    <p class="lede">A 64-16-10 network on 600 handwritten digits, trained by each optimizer until
    its training loss is below 0.05, so that all stop at the same height. Then the Hessian ∇²L of
    the training loss at the weights reached: its largest eigenvalue λ_max (Lanczos on exact
    Hessian-vector products) and its trace (Hutchinson's estimate). SAM steps with the gradient at
    the worst point of a small ball around θ.</p>
    <div class="view"><div class="chart-slot"></div><form class="controls" novalidate></form></div>
    <p class="explain">How to read it: at the same loss the minima differ in shape. A large λ_max
    is a sharp pit: a small move of the weights in that direction raises the loss a lot, and the
    test data's loss surface, slightly shifted from the training one, sits higher there. Full-batch
    gradient descent ends in a sharper minimum than SGD with small batches, whose noise shakes the
    weights out of narrow pits; SAM (sharpness-aware minimization) looks for a minimum whose whole
    neighbourhood is low, on purpose, and its λ_max is the smallest. The two measures need not
    agree: λ_max is one direction, the trace all of them together (Adam's minimum here has the
    largest λ_max and the smallest trace).</p>`;
  const chart = svg('svg', { class: 'bar-chart', id: 'sharpness-chart', 'font-size': 13 });
  Object.assign(chart.style, { maxWidth: '480px', width: '100%', height: 'auto', display: 'block' });
  section.querySelector('.chart-slot')!.append(chart);
  const form = section.querySelector('form')!;
  const status = Object.assign(document.createElement('p'), { className: 'status', role: 'status' });
  const table = document.createElement('table');
  table.className = 'results';
  table.id = 'sharpness-results';
  table.innerHTML =
    '<thead><tr><th>optimizer</th><th>steps</th><th>training loss</th><th>λ_max</th><th>trace</th></tr></thead><tbody></tbody>';
  const tableSlot = Object.assign(document.createElement('div'), { className: 'table-slot' });
  tableSlot.append(table);
  form.append(status, tableSlot);

  const client = new ComputeClient();
  const restore = () => {
    section.dataset.state = 'running';
    status.textContent = 'Training four networks in the worker (a few seconds)…';
    status.classList.remove('error');
    status.hidden = false;
    client.run({ kind: 'notes-sharpness' }, (reply) => {
      client.stop();
      if (reply.kind === 'notes-sharpness') {
        status.textContent = '';
        status.hidden = true;
        drawBars(chart, reply.rows);
        table.tBodies[0].replaceChildren(
          ...reply.rows.map((r) => {
            const tr = document.createElement('tr');
            tr.dataset.method = r.name;
            const cells = [r.name, String(r.steps), formatNumber(r.loss, 3), formatNumber(r.lambdaMax, 3)];
            for (const v of [...cells, formatNumber(r.trace, 3)]) tr.insertCell().textContent = v;
            return tr;
          }),
        );
      } else {
        status.textContent = reply.kind === 'error' ? reply.message : `Unexpected reply: ${reply.kind}`;
        status.classList.add('error');
      }
      section.dataset.state = 'done';
    });
  };
  return Object.assign(section, { restore: () => onFirstSight(section, restore) });
}
