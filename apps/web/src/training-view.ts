/**
 * View 4, training a network: an MLP learns a two-dimensional toy set (spirals, moons, circles,
 * xor) in the compute worker, off the main thread. The plot shows the data and the network's
 * decision regions (each cell coloured by its most probable class, paler where the network is less
 * sure); two charts show the training loss and the accuracy per epoch, each on its own axis. Stop
 * ends the run at once (the worker is terminated). L1, L2 and dropout regularise the network; after
 * a run that finished, the worker draws its loss landscape and the Hessian's extreme eigenvalues
 * (landscape.ts, landscape-figure.ts).
 */

import type { EpochRecord } from '@descent/mlp';
import { ChartLegend } from './chart-legend.js';
import { ComputeClient } from './compute-client.js';
import type { ComputeReply } from './compute-protocol.js';
import { parseNumber } from './form-values.js';
import { LandscapeFigure } from './landscape-figure.js';
import { LineChart } from './line-chart.js';
import type { Domain } from './surface.js';
import { SurfacePlot } from './surface-plot.js';
import { formatNumber } from './ticks.js';
import { type Activation, activations, parseHidden, type TrainingSetup, trainingSets } from './training.js';

const layerColours = ['#5f3dc4', '#1971c2', '#0c8599', '#2b8a3e', '#e67700', '#c92a2a'];

/** The y range of the gradient chart: whole decades around every log₁₀ norm (default [-4, 0]). */
function gradientRange(history: EpochRecord[], layers: string[]): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const h of history) {
    for (const name of layers) {
      const v = Math.log10(h.gradNorms[name]);
      if (!Number.isFinite(v)) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return lo <= hi ? [Math.floor(lo), Math.max(Math.ceil(hi), Math.floor(lo) + 1)] : [-4, 0];
}

const classColours = [
  [25, 113, 194],
  [232, 89, 12],
  [47, 158, 68],
];

function field(label: string, input: HTMLInputElement | HTMLSelectElement): HTMLLabelElement {
  const l = document.createElement('label');
  l.append(`${label} `, input);
  return l;
}

function input(name: string, value: string | number): HTMLInputElement {
  const el = Object.assign(document.createElement('input'), {
    name,
    value: String(value),
    autocomplete: 'off',
  });
  el.classList.add('number');
  return el;
}

function select(name: string, options: string[], value: string): HTMLSelectElement {
  const el = Object.assign(document.createElement('select'), { name });
  for (const o of options) el.add(new Option(o, o, false, o === value));
  return el;
}

export type TrainingState = Record<string, string>;

export type TrainingViewElement = HTMLElement & {
  state(): TrainingState;
  /** Sets the inputs given and starts training. */
  restore(s: TrainingState): void;
};

export function trainingView(onChange: () => void = () => {}): TrainingViewElement {
  const section = document.createElement('section');
  section.id = 'training';
  section.innerHTML = `<h2>Training a network</h2>
    <p class="lede">A multilayer perceptron <code>mlp({ sizes: [2, …hidden, classes] })</code> trained
    with <code>fit</code> on a toy set: mini-batches, softmax cross-entropy, Adam or SGD with momentum.
    The background is the network's decision: the colour of its most probable class, paler where it is unsure.</p>
    <div class="view"><div class="plot-slot"></div><form class="controls" novalidate></form></div>
    <p class="explain">How to read it: each dot is a training point, coloured by its class. The
    network sees only the two coordinates and must learn a boundary between the colours; early on
    the background is pale and straight (a fresh network is nearly linear), and as the loss falls it
    bends around the data. The loss is the mean cross-entropy (how surprised the network is by the
    right answers) and falls fast, then slowly; accuracy is the share of points on the right side and
    moves in jumps. A learning rate too large makes the loss jump about; too small, it barely moves.
    Spirals need depth and many epochs; moons and circles are learnt in a few seconds. The hollow
    dots are held out: the network never trains on them, so the test accuracy says how well it
    generalises (a training accuracy far above it is overfitting). The last chart is the size of
    the gradient reaching each layer: with sigmoid, whose slope is at most ¼, it shrinks layer by
    layer on the way back to the first one (the vanishing gradient; tanh′(4) ≈ 0.0013), while
    ReLU passes it through unchanged where a unit is active. L1 (λ₁ Σ|w|) pushes weights to exactly
    zero, L2 (λ₂ Σw²) shrinks them all; dropout switches a random share of the hidden units off at
    every step, so no unit can rely on another: all three trade a little training accuracy for a
    smoother boundary, which shows best with few points and much noise.</p>
    <h3 id="landscape">The trained network's landscape</h3>`;
  const plot = new SurfacePlot(440, 440, 300);
  const landscape = new LandscapeFigure();
  section.append(landscape.element);
  landscape.clear('Drawn when a training run finishes.');
  section.querySelector('.plot-slot')!.append(plot.element);
  const form = section.querySelector('form')!;
  const f = {
    dataset: select('dataset', Object.keys(trainingSets), 'spirals'),
    n: input('n', 300),
    noise: input('noise', 0.05),
    hidden: input('hidden', '32, 32'),
    activation: select('activation', [...activations], 'tanh'),
    optimizer: select('optimizer', ['adam', 'sgd'], 'adam'),
    lr: input('lr', 0.01),
    batchSize: input('batchSize', 32),
    epochs: input('epochs', 200),
    seed: input('seed', 1),
    testFraction: input('testFraction', 0.2),
    l1: input('l1', 0),
    l2: input('l2', 0),
    dropout: input('dropout', 0),
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
    ['epoch', 'loss', 'accuracy', 'testAccuracy'].map((name) => [
      name,
      Object.assign(document.createElement('output'), { name }),
    ]),
  );
  progress.append(
    'epoch ',
    outs.epoch,
    ' · loss ',
    outs.loss,
    ' · accuracy ',
    outs.accuracy,
    ' · test accuracy ',
    outs.testAccuracy,
  );
  const status = Object.assign(document.createElement('p'), { className: 'status error', role: 'status' });
  const lossChart = new LineChart(440, 170, 'epoch', 'loss');
  lossChart.element.id = 'training-curve';
  const accuracyChart = new LineChart(440, 150, 'epoch', 'accuracy');
  accuracyChart.element.id = 'training-accuracy';
  const gradientChart = new LineChart(440, 170, 'epoch', 'log₁₀ ‖∂L/∂W‖ per layer');
  gradientChart.element.id = 'training-gradients';
  // one entry per layer, below the chart: a deep network's legend would cover its curves
  const gradientLegend = new ChartLegend('gradient-legend');
  form.append(
    row(field('Data', f.dataset), field('points', f.n), field('noise', f.noise)),
    row(field('Hidden widths', f.hidden), field('activation', f.activation)),
    row(field('Optimizer', f.optimizer), field('lr', f.lr), field('batch', f.batchSize)),
    row(field('Epochs', f.epochs), field('seed', f.seed), field('test share', f.testFraction)),
    row(field('L1 λ₁', f.l1), field('L2 λ₂', f.l2), field('dropout', f.dropout)),
    row(train, stop),
    progress,
    status,
    lossChart.element,
    accuracyChart.element,
    gradientChart.element,
    gradientLegend.element,
  );

  const worker = new ComputeClient();
  let domain: Domain = [
    [-1, 1],
    [-1, 1],
  ];
  let history: EpochRecord[] = [];
  let epochs = 0;
  let epoch = 0;
  let frame = 0;
  let drawnAt = 0;
  let latest: Extract<ComputeReply, { kind: 'progress' }> | undefined;

  /** The form's setup; a RangeError naming the first invalid field. */
  const setup = (): TrainingSetup => {
    const n = parseNumber(f.n.value, 'points', { integer: true, min: 10, max: 5000 });
    parseHidden(f.hidden.value);
    return {
      dataset: f.dataset.value,
      n,
      noise: parseNumber(f.noise.value, 'noise', { min: 0, max: 2 }),
      hidden: f.hidden.value,
      activation: f.activation.value as Activation,
      optimizer: f.optimizer.value as 'adam' | 'sgd',
      lr: parseNumber(f.lr.value, 'lr', { min: 0, above: true }),
      batchSize: parseNumber(f.batchSize.value, 'batch', { integer: true, min: 1, max: n }),
      epochs: parseNumber(f.epochs.value, 'epochs', { integer: true, min: 1, max: 10000 }),
      seed: parseNumber(f.seed.value, 'seed', { integer: true, min: 0 }),
      testFraction: parseNumber(f.testFraction.value, 'test share', { min: 0, max: 0.9 }),
      l1: parseNumber(f.l1.value, 'L1 λ₁', { min: 0, max: 10 }),
      l2: parseNumber(f.l2.value, 'L2 λ₂', { min: 0, max: 10 }),
      dropout: parseNumber(f.dropout.value, 'dropout', { min: 0, max: 0.9 }),
    };
  };

  /** The decision map: cell (i, j) in its most probable class's colour, paler where the network is less sure. */
  const drawDecision = (grid: Float32Array, G: number, K: number) => {
    const image = new ImageData(G, G);
    for (let j = 0; j < G; j++) {
      for (let i = 0; i < G; i++) {
        const o = (j * G + i) * K;
        let best = 0;
        for (let k = 1; k < K; k++) if (grid[o + k] > grid[o + best]) best = k;
        const a = 0.12 + (0.5 * (grid[o + best] - 1 / K)) / (1 - 1 / K);
        const p = ((G - 1 - j) * G + i) * 4; // image rows run top-down
        for (let c = 0; c < 3; c++) image.data[p + c] = 255 + a * (classColours[best][c] - 255);
        image.data[p + 3] = 255;
      }
    }
    plot.paintImage(domain, image, true);
  };

  const drawProgress = () => {
    drawnAt = performance.now();
    const last = history.at(-1);
    outs.epoch.textContent = `${epoch} / ${epochs}`;
    outs.loss.textContent = last ? formatNumber(last.loss) : '—';
    outs.loss.dataset.value = last ? String(last.loss) : '';
    outs.accuracy.textContent = last?.accuracy === undefined ? '—' : `${(100 * last.accuracy).toFixed(1)}%`;
    outs.accuracy.dataset.value = last?.accuracy === undefined ? '' : String(last.accuracy);
    outs.testAccuracy.textContent =
      last?.valAccuracy === undefined ? '—' : `${(100 * last.valAccuracy).toFixed(1)}%`;
    outs.testAccuracy.dataset.value = last?.valAccuracy === undefined ? '' : String(last.valAccuracy);
    const steps = history.map((h) => h.epoch + 1);
    const tested = history.some((h) => h.valLoss !== undefined);
    const both = (
      train: (h: EpochRecord) => number | undefined,
      test: (h: EpochRecord) => number | undefined,
    ) => [
      {
        name: 'train',
        label: 'training',
        colour: '#c92a2a',
        steps,
        values: history.map((h) => train(h) ?? Number.NaN),
      },
      ...(tested
        ? [
            {
              name: 'test',
              label: 'test',
              colour: '#1971c2',
              steps,
              values: history.map((h) => test(h) ?? Number.NaN),
            },
          ]
        : []),
    ];
    lossChart.draw(
      both(
        (h) => h.loss,
        (h) => h.valLoss,
      ),
      { xMax: epochs },
    );
    accuracyChart.draw(
      both(
        (h) => h.accuracy,
        (h) => h.valAccuracy,
      ),
      { xMax: epochs, yRange: [0, 1], yFormat: (v) => `${Math.round(100 * v)}%`, legendAt: 'bottom' },
    );
    // per-layer gradient norms: with sigmoid the first layers' fall orders of magnitude below the last's
    const layers = Object.keys(history[0]?.gradNorms ?? {});
    const colourOf = (k: number) => layerColours[k % layerColours.length];
    gradientChart.draw(
      layers.map((name, k) => ({
        name,
        colour: colourOf(k),
        steps,
        values: history.map((h) => Math.log10(h.gradNorms[name])),
      })),
      { xMax: epochs, yRange: gradientRange(history, layers) },
    );
    gradientLegend.show(
      layers.map((name, k) => ({
        name,
        label: k === 0 ? `${name} (first)` : k === layers.length - 1 ? `${name} (output)` : name,
        colour: colourOf(k),
      })),
    );
  };

  const finish = (message: string, state = 'done') => {
    // the last progress is drawn now, not in a frame after the state says done
    cancelAnimationFrame(frame);
    frame = 0;
    if (latest) drawDecision(latest.grid, latest.G, latest.grid.length / (latest.G * latest.G));
    latest = undefined;
    drawProgress();
    train.disabled = false;
    stop.disabled = true;
    status.textContent = message;
    section.dataset.state = state;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    worker.stop();
    status.textContent = '';
    let s: TrainingSetup;
    try {
      s = setup();
    } catch (e) {
      finish((e as Error).message, 'error');
      return;
    }
    history = [];
    epochs = s.epochs;
    epoch = 0;
    section.dataset.state = 'training';
    train.disabled = true;
    stop.disabled = false;
    let classes = 2;
    worker.run({ kind: 'train', setup: s }, (reply) => {
      if (reply.kind === 'error') finish(reply.message, 'error');
      else if (reply.kind === 'data') {
        domain = reply.domain;
        classes = reply.classes;
        const white = new ImageData(1, 1);
        white.data.fill(255);
        plot.paintImage(domain, white);
        plot.dots(reply.train.x, reply.train.y);
        if (reply.test) plot.dots(reply.test.x, reply.test.y, 2.6, 'test');
      } else if (reply.kind === 'progress') {
        history.push(...reply.records);
        epoch = reply.epoch;
        // drawn once per frame, the newest map only (progress may arrive faster than frames)
        latest = reply;
        if (!frame)
          frame = requestAnimationFrame(() => {
            frame = 0;
            if (latest) drawDecision(latest.grid, latest.G, classes);
            latest = undefined;
            // the charts and numbers at most every 200 ms: a frame's work stays small
            if (performance.now() - drawnAt > 200) drawProgress();
          });
      } else if (reply.kind === 'done') {
        finish(reply.stopped);
        showLandscape();
      }
    });
    landscape.clear('Drawn when this run finishes.');
    onChange();
  });
  /** The finished network's landscape, from the same worker (it keeps the network). */
  const showLandscape = () => {
    landscape.clear('Slicing the landscape and finding the Hessian’s eigenvalues…');
    landscape.element.dataset.state = 'busy';
    worker.run({ kind: 'landscape' }, (reply) => {
      if (reply.kind === 'landscape') void landscape.show(reply.landscape);
      else if (reply.kind === 'error') landscape.clear(reply.message);
    });
  };
  stop.addEventListener('click', () => {
    worker.stop();
    finish(`Stopped at epoch ${epoch}.`, 'stopped');
    landscape.clear('Drawn when a training run finishes (this one was stopped).');
  });

  return Object.assign(section, {
    state(): TrainingState {
      return Object.fromEntries(Object.entries(f).map(([k, el]) => [k, el.value]));
    },
    restore(s: TrainingState): void {
      for (const [k, el] of Object.entries(f)) {
        const v = s[k];
        if (v === undefined) continue;
        if (el instanceof HTMLSelectElement && !Array.from(el.options).some((o) => o.value === v)) continue;
        el.value = v;
      }
      form.requestSubmit();
    },
  });
}
