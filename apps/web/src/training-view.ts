/**
 * View 4, training a network: an MLP learns a two-dimensional toy set (spirals, moons, circles,
 * xor) in the page. The plot shows the data and the network's decision regions (each pixel coloured
 * by its most probable class, paler where the network is less sure); the chart shows the training
 * loss and accuracy per epoch, redrawn as training runs (training.ts does the training).
 */
import { LineChart } from './line-chart.js';
import type { Domain } from './surface.js';
import { SurfacePlot } from './surface-plot.js';
import { formatNumber } from './ticks.js';
import { Trainer, type TrainingSetup, trainingSets } from './training.js';

const classColours = [
  [25, 113, 194],
  [232, 89, 12],
  [47, 158, 68],
];
const EPOCHS_PER_FRAME = 4;

function field(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLLabelElement {
  const l = document.createElement('label');
  l.append(`${label} `, input);
  return l;
}

function input(name: string, value: string | number, width = '4.5em'): HTMLInputElement {
  const el = Object.assign(document.createElement('input'), { name, value: String(value) });
  el.style.width = width;
  return el;
}

function select(name: string, options: string[], value: string): HTMLSelectElement {
  const el = Object.assign(document.createElement('select'), { name });
  for (const o of options) el.add(new Option(o, o, false, o === value));
  return el;
}

export function trainingView(): HTMLElement {
  const section = document.createElement('section');
  section.id = 'training';
  section.innerHTML = `<h2>Training a network</h2>
    <p class="lede">A multilayer perceptron <code>mlp({ sizes: [2, …hidden, classes] })</code> trained
    with <code>fit</code> on a toy set: mini-batches, softmax cross-entropy, Adam or SGD with momentum.
    The background is the network's decision: the colour of its most probable class, paler where it is unsure.</p>
    <div class="view"><div class="plot-slot"></div><form class="controls" novalidate></form></div>`;
  const plot = new SurfacePlot(440, 440, 300);
  section.querySelector('.plot-slot')!.append(plot.element);
  const form = section.querySelector('form')!;
  const f = {
    dataset: select('dataset', Object.keys(trainingSets), 'spirals'),
    n: input('n', 300),
    noise: input('noise', 0.05),
    hidden: input('hidden', '32, 32', '7em'),
    activation: select('activation', ['tanh', 'relu'], 'tanh'),
    optimizer: select('optimizer', ['adam', 'sgd'], 'adam'),
    lr: input('lr', 0.01),
    batchSize: input('batchSize', 32),
    epochs: input('epochs', 200),
    seed: input('seed', 1),
  };
  const train = Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Train' });
  const stop = Object.assign(document.createElement('button'), {
    type: 'button',
    textContent: 'Stop',
    disabled: true,
  });
  const row = (...els: HTMLElement[]) => {
    const p = document.createElement('p');
    p.append(...els.flatMap((e) => [e, ' ']));
    return p;
  };
  const progress = Object.assign(document.createElement('p'), { className: 'summary' });
  const outs = Object.fromEntries(
    ['epoch', 'loss', 'accuracy'].map((name) => [
      name,
      Object.assign(document.createElement('output'), { name }),
    ]),
  );
  progress.append('epoch ', outs.epoch, ' · loss ', outs.loss, ' · accuracy ', outs.accuracy);
  const status = Object.assign(document.createElement('p'), { className: 'status error', role: 'status' });
  const chart = new LineChart(440, 200, 'epoch', 'loss, accuracy');
  chart.element.id = 'training-curve';
  form.append(
    row(field('Data', f.dataset), field('points', f.n), field('noise', f.noise)),
    row(field('Hidden widths', f.hidden), field('activation', f.activation)),
    row(field('Optimizer', f.optimizer), field('lr', f.lr), field('batch', f.batchSize)),
    row(field('Epochs', f.epochs), field('seed', f.seed)),
    row(train, stop),
    progress,
    status,
    chart.element,
  );

  let trainer: Trainer | undefined;
  let frame = 0;
  let domain: Domain = [
    [-1, 1],
    [-1, 1],
  ];

  const setup = (): TrainingSetup => ({
    dataset: f.dataset.value,
    n: Number(f.n.value),
    noise: Number(f.noise.value),
    hidden: f.hidden.value,
    activation: f.activation.value as 'relu' | 'tanh',
    optimizer: f.optimizer.value as 'adam' | 'sgd',
    lr: Number(f.lr.value),
    batchSize: Number(f.batchSize.value),
    epochs: Number(f.epochs.value),
    seed: Number(f.seed.value),
  });

  /** The data's bounding box, grown 15% and made square. */
  const boxOf = (x: Float32Array): Domain => {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const pad = 0.15 * (hi - lo);
    return [
      [lo - pad, hi + pad],
      [lo - pad, hi + pad],
    ];
  };

  const drawDecision = (t: Trainer) => {
    const [[x0, x1], [y0, y1]] = domain;
    let probabilities: Float32Array | undefined;
    const K = t.data.classes;
    plot.paint(domain, (i, j, nx, ny) => {
      if (!probabilities) {
        const xy = new Float32Array(nx * ny * 2);
        for (let jj = 0; jj < ny; jj++) {
          for (let ii = 0; ii < nx; ii++) {
            xy[2 * (jj * nx + ii)] = x0 + ((x1 - x0) * (ii + 0.5)) / nx;
            xy[2 * (jj * nx + ii) + 1] = y0 + ((y1 - y0) * (jj + 0.5)) / ny;
          }
        }
        probabilities = t.probabilities(xy);
      }
      const o = (j * nx + i) * K;
      let best = 0;
      for (let k = 1; k < K; k++) if (probabilities[o + k] > probabilities[o + best]) best = k;
      const sure = (probabilities[o + best] - 1 / K) / (1 - 1 / K);
      const a = 0.12 + 0.5 * sure;
      return classColours[best].map((c) => 255 + a * (c - 255));
    });
    for (let r = 0; r < t.data.n; r++) {
      const m = plot.marker(t.data.x[2 * r], t.data.x[2 * r + 1], `class-${t.data.y[r]}`);
      m.classList.add('sample');
    }
  };

  const drawProgress = (t: Trainer) => {
    const last = t.history.at(-1);
    outs.epoch.textContent = `${t.epoch} / ${t.setup.epochs}`;
    outs.loss.textContent = last ? formatNumber(last.loss) : '—';
    outs.loss.dataset.value = last ? String(last.loss) : '';
    outs.accuracy.textContent = last?.accuracy === undefined ? '—' : `${(100 * last.accuracy).toFixed(1)}%`;
    outs.accuracy.dataset.value = last?.accuracy === undefined ? '' : String(last.accuracy);
    const losses = t.history.map((h) => h.loss);
    const padded = (v: number[]) =>
      Float64Array.from({ length: t.setup.epochs }, (_, k) => v[k] ?? Number.NaN);
    chart.draw([
      { name: 'loss', colour: '#c92a2a', values: padded(losses) },
      { name: 'accuracy', colour: '#2f9e44', values: padded(t.history.map((h) => h.accuracy ?? Number.NaN)) },
    ]);
  };

  const finish = (message: string) => {
    cancelAnimationFrame(frame);
    train.disabled = false;
    stop.disabled = true;
    if (message) status.textContent = message;
    section.dataset.state = 'done';
  };

  const tick = () => {
    const t = trainer!;
    try {
      t.run(EPOCHS_PER_FRAME);
    } catch (e) {
      finish((e as Error).message);
      return;
    }
    drawDecision(t);
    drawProgress(t);
    if (t.done) finish(t.stopped);
    else frame = requestAnimationFrame(tick);
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    cancelAnimationFrame(frame);
    trainer?.free();
    trainer = undefined;
    status.textContent = '';
    try {
      trainer = new Trainer(setup());
    } catch (e) {
      status.textContent = (e as Error).message;
      section.dataset.state = 'error';
      return;
    }
    domain = boxOf(trainer.data.x);
    section.dataset.state = 'training';
    train.disabled = true;
    stop.disabled = false;
    drawDecision(trainer);
    drawProgress(trainer);
    frame = requestAnimationFrame(tick);
  });
  stop.addEventListener('click', () => finish(`Stopped at epoch ${trainer?.epoch ?? 0}.`));
  requestAnimationFrame(() => form.requestSubmit());
  return section;
}
