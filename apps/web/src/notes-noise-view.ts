/**
 * The notes' noise race on the page: SGD vs SAGA vs SVRG vs a growing batch at one fixed step on
 * the same finite sum (notes-noise.ts, run in the compute worker), f − f* on a log axis against the
 * passes over the data, a table, and what to read in it. The step η lives in the URL.
 */
import { ChartLegend } from './chart-legend.js';
import { ComputeClient } from './compute-client.js';
import { onFirstSight } from './first-sight.js';
import { parseNumber } from './form-values.js';
import { LineChart } from './line-chart.js';
import type { NoiseRaceResult } from './notes-noise.js';
import { formatNumber } from './ticks.js';

export interface NoiseState {
  lr?: string;
}

/** The budget of every run, in passes over the data. */
const PASSES = 40;
/** log₁₀ of a gap, floored at 10⁻¹⁶ (rounding: a gap of 0 or below is "at the minimum"). */
const log10Gap = (gap: number) => Math.log10(Math.max(gap, 1e-16));

export type NoiseViewElement = HTMLElement & { state(): NoiseState; restore(s: NoiseState): void };

export function noiseView(onChange: () => void = () => {}): NoiseViewElement {
  const section = document.createElement('section');
  section.id = 'noise';
  section.innerHTML = `<h2>Reducing the noise: SGD vs SAGA vs SVRG vs a growing batch</h2>
    <p class="lede">Logistic regression on 100 iris flowers (versicolor or virginica, four features,
    a small L2 penalty): f(θ) = (1/n) Σᵢ fᵢ(θ). Four methods take the same fixed step η, each
    paying one per-example gradient ∇fᵢ at a time; the gap f − f* to the minimum is plotted on a
    log axis against the passes over the data they have paid for.</p>
    <div class="view"><div class="chart-slot"></div><form class="controls" novalidate></form></div>
    <p class="explain">How to read it: SGD's gradient of one example is right only on average, so
    at a fixed step it never settles. Near the minimum the noise is as large as the signal and it
    keeps bouncing on a floor (of order η times the gradients' variance), the flat red line. SAGA
    remembers the last gradient of every example and SVRG the full gradient at a snapshot; each
    corrects the noisy gradient by the remembered one, so the correction cancels the noise exactly at
    the minimum and the gap falls on a straight line on the log axis, a linear rate (given more passes, down to rounding). The price is memory (SAGA: one gradient per example) or extra passes (SVRG's
    snapshots). A batch that grows by 2% a step averages the noise away instead: slower, no
    memory.</p>`;
  const chart = new LineChart(560, 300, 'passes over the data', 'log₁₀(f − f*)');
  chart.element.id = 'noise-chart';
  const legend = new ChartLegend('noise-legend');
  section.querySelector('.chart-slot')!.append(chart.element, legend.element);
  const form = section.querySelector('form')!;
  const lr = Object.assign(document.createElement('input'), { name: 'lr', value: '1', autocomplete: 'off' });
  lr.classList.add('number');
  const label = document.createElement('label');
  label.append('step η ', lr);
  const run = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Run' });
  const head = document.createElement('p');
  head.append(label, ' ', run);
  const status = Object.assign(document.createElement('p'), { className: 'status', role: 'status' });
  const table = document.createElement('table');
  table.className = 'results';
  table.id = 'noise-results';
  table.innerHTML = `<thead><tr><th>method</th><th>memory</th><th>f − f*, 10 passes</th><th>${PASSES} passes</th></tr></thead><tbody></tbody>`;
  const tableSlot = Object.assign(document.createElement('div'), { className: 'table-slot' });
  tableSlot.append(table);
  form.append(head, status, tableSlot);

  const show = (r: NoiseRaceResult) => {
    const series = r.runs.map((run) => ({
      name: run.name,
      colour: run.colour,
      steps: run.passes,
      values: run.gaps.map(log10Gap),
    }));
    const lows = series.flatMap((s) => s.values);
    chart.draw(series, {
      xMax: PASSES,
      yRange: [Math.floor(Math.min(...lows)), Math.ceil(Math.max(...lows))],
    });
    legend.show(r.runs.map((run) => ({ name: run.name, label: run.name, colour: run.colour })));
    table.tBodies[0].replaceChildren(
      ...r.runs.map((run) => {
        const tr = document.createElement('tr');
        tr.dataset.method = run.name;
        tr.dataset.final = String(run.gaps.at(-1));
        // the gap at the last record within p passes
        const at = (p: number) => formatNumber(run.gaps[run.passes.filter((q) => q <= p).length - 1], 3);
        for (const v of [run.name, run.memory, at(10), at(PASSES)]) tr.insertCell().textContent = v;
        return tr;
      }),
    );
  };

  const client = new ComputeClient();
  const draw = () => {
    status.textContent = '';
    status.classList.remove('error');
    let step: number;
    try {
      step = parseNumber(lr.value, 'step η', { min: 0, above: true, max: 10 });
    } catch (e) {
      status.textContent = (e as Error).message;
      status.classList.add('error');
      return;
    }
    section.dataset.state = 'running';
    status.textContent = 'Running in the worker…';
    client.run({ kind: 'notes-noise', lr: step, passes: PASSES }, (reply) => {
      client.stop();
      if (reply.kind === 'notes-noise') {
        status.textContent = `f* = ${formatNumber(reply.result.fStar, 8)} (L-BFGS), η = ${step}, n = ${reply.result.n}`;
        show(reply.result);
      } else {
        status.textContent = reply.kind === 'error' ? reply.message : `Unexpected reply: ${reply.kind}`;
        status.classList.add('error');
      }
      section.dataset.state = 'done';
    });
    onChange();
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    draw();
  });

  return Object.assign(section, {
    state: (): NoiseState => ({ lr: lr.value }),
    restore(s: NoiseState): void {
      if (typeof s.lr === 'string') lr.value = s.lr;
      onFirstSight(section, draw);
    },
  });
}
