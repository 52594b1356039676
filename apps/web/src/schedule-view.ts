/**
 * View 3, learning-rate schedules: pick a schedule, set its parameters, and see η_t for
 * t = 0 .. steps−1 as `sample(schedule, steps)` computes it, with its first, last, largest and
 * smallest values. Invalid parameters show the library's RangeError and leave the curve empty.
 */
import { sample } from '@descent/schedulers';
import { ChartLegend } from './chart-legend.js';
import { LineChart } from './line-chart.js';
import { scheduleKinds } from './schedule-catalog.js';
import { formatNumber } from './ticks.js';

export type ScheduleState = Record<string, string>;

export type ScheduleViewElement = HTMLElement & {
  state(): ScheduleState;
  restore(s: ScheduleState): void;
};

/** The schedules view; `onChange` is called after every redraw (its inputs are then the view's state). */
export function scheduleView(onChange: () => void = () => {}): ScheduleViewElement {
  const section = document.createElement('section');
  section.id = 'schedules';
  section.innerHTML = `<h2>Learning-rate schedules</h2>
    <p class="lede">A schedule is a pure function of the step, η_t = schedule(t), from
    <code>@descent/schedulers</code>; the curve is <code>sample(schedule, steps)</code>.</p>
    <div class="view"><div class="chart-slot"></div><form class="controls" novalidate></form></div>
    <p class="explain">How to read it: the curve is the learning rate the optimizer is given at each
    step. A large rate early moves fast across the loss surface; a small one late lets the iterates
    settle into a minimum instead of bouncing around it (with noisy gradients, SGD only converges if
    the rate decays). Warm-up starts small while Adam's moment estimates are still poor; warm
    restarts jump back up to shake the iterates out of a narrow basin.</p>`;
  const chart = new LineChart(560, 280, 'step t');
  chart.element.id = 'schedule-curve';
  // the legend below the chart: a schedule's label with its settings is too long to sit inside it
  const legend = new ChartLegend('schedule-legend');
  section.querySelector('.chart-slot')!.append(chart.element, legend.element);
  const form = section.querySelector('form')!;
  const select = Object.assign(document.createElement('select'), { name: 'schedule' });
  for (const k of scheduleKinds) select.add(new Option(k.label, k.name));
  const steps = Object.assign(document.createElement('input'), {
    name: 'steps',
    type: 'number',
    value: '100',
    min: '1',
  });
  steps.classList.add('number');
  const head = document.createElement('p');
  const scheduleLabel = document.createElement('label');
  scheduleLabel.append('Schedule ', select);
  const stepsLabel = document.createElement('label');
  stepsLabel.append(' over ', steps, ' steps');
  head.append(scheduleLabel, stepsLabel);
  const parameters = document.createElement('div');
  parameters.className = 'parameters';
  const summary = document.createElement('p');
  summary.className = 'summary';
  const outputs = Object.fromEntries(
    ['first', 'last', 'max', 'min'].map((name) => [
      name,
      Object.assign(document.createElement('output'), { name }),
    ]),
  );
  summary.append(
    'η₀ = ',
    outputs.first,
    ', η_last = ',
    outputs.last,
    ', max ',
    outputs.max,
    ', min ',
    outputs.min,
  );
  const status = Object.assign(document.createElement('p'), { className: 'status error', role: 'status' });
  // overlay: the curves kept so far, drawn under the current one; a log axis for decays
  const keep = Object.assign(document.createElement('button'), {
    type: 'button',
    name: 'keep',
    textContent: 'Keep this curve',
  });
  const clear = Object.assign(document.createElement('button'), {
    type: 'button',
    name: 'clear',
    textContent: 'Clear kept',
  });
  const logScale = Object.assign(document.createElement('input'), { type: 'checkbox', name: 'log' });
  const logLabel = document.createElement('label');
  logLabel.append(logScale, ' log₁₀ axis');
  const tools = document.createElement('p');
  tools.className = 'buttons';
  tools.append(keep, ' ', clear, ' ', logLabel);
  form.append(head, parameters, summary, tools, status);
  const kept: { label: string; values: Float64Array }[] = [];
  let current: { label: string; values: Float64Array } | undefined;
  const keptColours = ['#e8590c', '#2f9e44', '#9c36b5', '#c2255c', '#0c8599', '#5c940d'];
  /** Draws the kept curves and the current one, on a log₁₀ axis when ticked (η <= 0 is left out there). */
  const drawChart = () => {
    const log = logScale.checked;
    const shown = (v: Float64Array) => (log ? Array.from(v, (x) => (x > 0 ? Math.log10(x) : Number.NaN)) : v);
    const series = [...kept, ...(current ? [current] : [])].map((c, k) => ({
      name: k < kept.length ? `kept-${k}` : 'current',
      legend: c.label,
      colour: k < kept.length ? keptColours[k % keptColours.length] : '#1971c2',
      values: shown(c.values),
    }));
    let yRange: [number, number] | undefined;
    if (log) {
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const s of series)
        for (const v of s.values) if (Number.isFinite(v)) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      yRange = lo <= hi ? [Math.floor(lo), Math.max(Math.ceil(hi), Math.floor(lo) + 1)] : [-3, 0];
    }
    chart.yLabel = log ? 'η_t (log₁₀ axis)' : '';
    chart.draw(series, log ? { yRange, yFormat: (v) => formatNumber(10 ** v) } : {});
    legend.show(series.map((s) => ({ name: s.name, label: s.legend, colour: s.colour })));
  };
  keep.addEventListener('click', () => {
    if (current) kept.push(current);
    drawChart();
  });
  clear.addEventListener('click', () => {
    kept.length = 0;
    drawChart();
  });
  logScale.addEventListener('change', drawChart);

  const showParameters = () => {
    const kind = scheduleKinds.find((k) => k.name === select.value)!;
    parameters.replaceChildren(
      ...kind.parameters.map((p) => {
        const label = document.createElement('label');
        const input = Object.assign(document.createElement('input'), {
          name: p.name,
          type: 'number',
          step: 'any',
          value: String(p.value),
        });
        input.classList.add('number');
        label.append(`${p.label} `, input);
        return label;
      }),
    );
  };

  const draw = () => {
    const kind = scheduleKinds.find((k) => k.name === select.value)!;
    const values = Object.fromEntries(
      Array.from(parameters.querySelectorAll('input'), (input) => [input.name, Number(input.value)]),
    );
    status.textContent = '';
    try {
      const n = Number(steps.value);
      if (!Number.isInteger(n) || n < 1 || n > 100000) {
        throw new RangeError(`Invalid steps: ${steps.value} (expected an integer from 1 to 100000)`);
      }
      const curve = sample(kind.build(values, n), n);
      const settings = Array.from(parameters.querySelectorAll('input'), (i) => i.value).join(', ');
      current = { label: `${kind.label} (${settings})`, values: curve };
      drawChart();
      const set = (name: string, v: number) => {
        outputs[name].textContent = formatNumber(v);
        outputs[name].dataset.value = String(v);
      };
      set('first', curve[0]);
      set('last', curve[n - 1]);
      // a loop, not Math.max(...curve): spreading up to 100000 arguments overflows some engines' stacks
      let max = Number.NEGATIVE_INFINITY;
      let min = Number.POSITIVE_INFINITY;
      for (const v of curve) {
        if (v > max) max = v;
        if (v < min) min = v;
      }
      set('max', max);
      set('min', min);
      onChange();
    } catch (e) {
      status.textContent = (e as Error).message;
      current = undefined;
      drawChart();
      for (const o of Object.values(outputs)) {
        o.textContent = '—';
        delete o.dataset.value;
      }
    }
  };

  select.addEventListener('change', () => {
    showParameters();
    draw();
  });
  form.addEventListener('input', (event) => {
    if (event.target !== select) draw();
  });
  form.addEventListener('submit', (event) => event.preventDefault());
  showParameters();
  return Object.assign(section, {
    state(): ScheduleState {
      const values = Array.from(parameters.querySelectorAll('input'), (i) => [i.name, i.value]);
      return { schedule: select.value, steps: steps.value, ...Object.fromEntries(values) };
    },
    restore(s: ScheduleState): void {
      if (scheduleKinds.some((k) => k.name === s.schedule)) select.value = s.schedule;
      showParameters();
      if (s.steps !== undefined) steps.value = s.steps;
      for (const input of Array.from(parameters.querySelectorAll('input')))
        if (s[input.name] !== undefined) input.value = s[input.name];
      draw();
    },
  });
}
