/**
 * View 5, the O(1/√T) experiment (convergence.ts): stochastic subgradient descent on |x₁| + |x₂|
 * with the theorem's step η = R/(G√T), its average iterate's gap f(x̄_T) − f* against T on a
 * log-log plot beside the bound R G/√T, and the same numbers in a table.
 */
import { type ConvergenceRow, subgradientExperiment } from './convergence.js';
import { parseNumber } from './form-values.js';
import { LineChart } from './line-chart.js';
import { formatNumber } from './ticks.js';

const Ts = [10, 30, 100, 300, 1000, 3000, 10000];

const superscripts: Record<string, string> = {
  '-': '⁻',
  0: '⁰',
  1: '¹',
  2: '²',
  3: '³',
  4: '⁴',
  5: '⁵',
  6: '⁶',
  7: '⁷',
  8: '⁸',
  9: '⁹',
};

/** The label of the tick at log₁₀ = k: "10ᵏ" for an integer k, nothing between. */
function powerOfTen(k: number): string {
  return Number.isInteger(k) ? `10${Array.from(String(k), (c) => superscripts[c]).join('')}` : '';
}

export type ConvergenceViewElement = HTMLElement & {
  state(): { sigma: string };
  restore(s: { sigma?: string }): void;
};

export function convergenceView(onChange: () => void = () => {}): ConvergenceViewElement {
  const section = document.createElement('section');
  section.id = 'convergence';
  section.innerHTML = `<h2>How fast can SGD be? The 1/√T bound</h2>
    <p class="lede">Stochastic subgradient descent on the convex but not smooth f(x) = |x₁| + |x₂|,
    from (1, 1), with noisy gradients sign(x) + σ·noise and the theorem's step η = R/(G√T) for a run
    of T steps. The gap of the average iterate, f(x̄_T) − f*, is plotted against T on log-log axes
    beside the bound R·G/√T (dashed).</p>
    <div class="view"><div class="chart-slot"></div><form class="controls" novalidate></form></div>
    <p class="explain">How to read it: on log-log axes a power law is a straight line, and 1/√T is
    the slope −½: ten times more steps buy only √10 ≈ 3.2 times less error. That is the price of
    noise and of kinks: with a fixed step the iterates keep jumping around the minimum by about η,
    so η must shrink like 1/√T, and averaging the iterates cancels part of the jumping. The measured
    gap stays under the bound (it holds for every convex function whose gradients are at most G in
    size, so it is loose on this one); a smooth, strongly convex function without noise would fall
    off a cliff instead, like the race's curves.</p>`;
  const chart = new LineChart(560, 280, 'steps T (log axis)', 'f(x̄_T) − f* (log axis)');
  chart.element.id = 'convergence-chart';
  section.querySelector('.chart-slot')!.append(chart.element);
  const form = section.querySelector('form')!;
  const sigma = Object.assign(document.createElement('input'), {
    name: 'sigma',
    value: '1',
    autocomplete: 'off',
  });
  sigma.classList.add('number');
  const label = document.createElement('label');
  label.append('noise σ ', sigma);
  const run = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Run' });
  const head = document.createElement('p');
  head.append(label, ' ', run);
  const status = Object.assign(document.createElement('p'), { className: 'status error', role: 'status' });
  const table = document.createElement('table');
  table.className = 'results';
  table.id = 'convergence-results';
  table.innerHTML =
    '<thead><tr><th>T</th><th>η</th><th>f(x̄_T) − f*</th><th>R G/√T</th></tr></thead><tbody></tbody>';
  form.append(head, status, table);

  const show = (rows: ConvergenceRow[]) => {
    const x = rows.map((r) => Math.log10(r.T));
    chart.draw(
      [
        {
          name: 'gap',
          label: 'measured gap',
          colour: '#1971c2',
          steps: x,
          values: rows.map((r) => Math.log10(r.gap)),
        },
        {
          name: 'bound',
          label: 'bound R G/√T',
          colour: '#c92a2a',
          steps: x,
          values: rows.map((r) => Math.log10(r.bound)),
        },
      ],
      {
        xMin: 1,
        xMax: 4,
        yRange: [
          Math.floor(Math.min(...rows.map((r) => Math.log10(r.gap)))),
          Math.ceil(Math.max(...rows.map((r) => Math.log10(r.bound)))),
        ],
        // ticks at the powers of ten only, written 10⁻², 10⁴
        xFormat: powerOfTen,
        yFormat: powerOfTen,
        dashed: ['bound'],
      },
    );
    table.tBodies[0].replaceChildren(
      ...rows.map((r) => {
        const tr = document.createElement('tr');
        for (const v of [
          String(r.T),
          formatNumber(r.eta, 3),
          formatNumber(r.gap, 3),
          formatNumber(r.bound, 3),
        ]) {
          tr.insertCell().textContent = v;
        }
        tr.dataset.gap = String(r.gap);
        tr.dataset.bound = String(r.bound);
        return tr;
      }),
    );
  };

  const draw = () => {
    status.textContent = '';
    try {
      show(subgradientExperiment(Ts, parseNumber(sigma.value, 'σ', { min: 0, max: 100 }), 10));
      onChange();
    } catch (e) {
      status.textContent = (e as Error).message;
      chart.draw([]);
      table.tBodies[0].replaceChildren();
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    draw();
  });

  return Object.assign(section, {
    state: () => ({ sigma: sigma.value }),
    restore(s: { sigma?: string }): void {
      if (s.sigma !== undefined) sigma.value = s.sigma;
      draw();
    },
  });
}
