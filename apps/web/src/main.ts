/**
 * The demo page: optimizers at work, in the browser, on the same kernels as in Node. The views
 * start one per task (the first load never holds the main thread for all of them at once), the
 * heavy work runs in a worker (compute-worker.ts), and the inputs of every view live in the URL
 * (url-state.ts), so a view can be shared and a reload restores it.
 */
import './style.css';
import type { BackendInfo } from '@descent/kernels';
import { ComputeClient } from './compute-client.js';
import { convergenceView } from './convergence-view.js';
import { type CriticalState, criticalView } from './critical-view.js';
import { type NoiseState, noiseView } from './notes-noise-view.js';
import { sharpnessView } from './notes-sharpness-view.js';
import { type StaircaseState, staircaseView } from './notes-staircase-view.js';
import { type RaceState, raceView } from './race-view.js';
import { type ScheduleState, scheduleView } from './schedule-view.js';
import { type TrainingState, trainingView } from './training-view.js';
import { readState, writeState } from './url-state.js';

const app = document.querySelector<HTMLElement>('#app')!;

/** The footer's backend line: threads (and why only one), the SIMD build. */
function backendLine(b: BackendInfo): string {
  const threads = b.threads > 1 ? `${b.threads} threads` : '1 thread';
  const why =
    b.threads > 1
      ? 'shared memory, cross-origin isolated'
      : b.crossOriginIsolated
        ? 'single-threaded'
        : 'single-threaded: the page is not cross-origin isolated (no COOP/COEP headers)';
  return `<p id="backend" data-threads="${b.threads}" data-simd="${b.simd}" data-workers="${b.workersRunning}">Backend: ${threads}, ${b.simd} SIMD (${why})</p>`;
}
app.innerHTML = `<header><h1>descent</h1><p>Optimizers at work: watch gradient descent, momentum, Adam,
  L-BFGS and Newton race on a loss surface, read a critical point off the Hessian, shape a
  learning-rate schedule, train a small network, and see the notes' noise race, coordinate
  descent's staircase and flat minima. Everything runs in this page, on SIMD WebAssembly.
  The address bar keeps what you set: copy it to share this exact view.</p>
  <nav><a href="#race">Race</a><a href="#critical">Critical points</a><a href="#schedules">Schedules</a><a href="#training">Training</a><a href="#convergence">1/√T</a><a href="#noise">Noise</a><a href="#staircase">Staircase</a><a href="#sharpness">Sharpness</a></nav></header>`;

let restoring = true;
let pending = 0;
/** Writes every view's state into the URL, at most once per frame, and not while restoring it. */
const saveState = () => {
  if (restoring || pending) return;
  pending = requestAnimationFrame(() => {
    pending = 0;
    const state = {
      race: race.state(),
      critical: critical.state(),
      schedules: schedules.state(),
      training: training.state(),
      convergence: convergence.state(),
      noise: noise.state(),
      staircase: staircase.state(),
    };
    history.replaceState(null, '', writeState(state) + location.hash);
  });
};
const race = raceView(saveState);
const critical = criticalView(saveState);
const schedules = scheduleView(saveState);
const training = trainingView(saveState);
const convergence = convergenceView(saveState);
const noise = noiseView(saveState);
const staircase = staircaseView(saveState);
const sharpness = sharpnessView();
app.append(race, critical, schedules, training, convergence, noise, staircase, sharpness);

const saved = readState(location.search, [
  'race',
  'critical',
  'schedules',
  'training',
  'convergence',
  'noise',
  'staircase',
]);
const startups = [
  () => race.restore((saved.race ?? {}) as Partial<RaceState>),
  () => critical.restore((saved.critical ?? {}) as Partial<CriticalState>),
  () => schedules.restore((saved.schedules ?? {}) as ScheduleState),
  () => training.restore((saved.training ?? {}) as TrainingState),
  () => convergence.restore((saved.convergence ?? {}) as { sigma?: string }),
  () => noise.restore((saved.noise ?? {}) as NoiseState),
  () => staircase.restore((saved.staircase ?? {}) as StaircaseState),
  () => sharpness.restore(),
  () => {
    // A self-check that the kernels' WebAssembly loaded (in a worker: the page's own chunk carries
    // no kernels, so the first paint waits for none): the SIMD dot product of 1..1000 with itself.
    const footer = document.createElement('footer');
    app.append(footer);
    const check = new ComputeClient();
    check.run({ kind: 'kernels' }, (reply) => {
      footer.innerHTML =
        reply.kind === 'kernels'
          ? `<p id="kernels">Kernels loaded: SIMD dot of 1..1000 with itself = <output>${reply.dot}</output></p>${backendLine(reply.backend)}`
          : `<p id="kernels" class="error">The kernels did not load: ${reply.kind === 'error' ? reply.message : reply.kind}</p>`;
      check.stop();
    });
    restoring = false;
  },
];
/** One startup per task, once the first contentful paint is on screen (the workers start only then). */
const next = () => {
  const step = startups.shift();
  if (!step) return;
  step();
  setTimeout(next, 0);
};
let started = false;
const start = () => {
  if (started) return;
  started = true;
  setTimeout(next, 0);
};
if (PerformanceObserver.supportedEntryTypes?.includes('paint')) {
  new PerformanceObserver((list, observer) => {
    if (list.getEntriesByName('first-contentful-paint').length === 0) return;
    observer.disconnect();
    start();
  }).observe({ type: 'paint', buffered: true });
  // a browser that reports no paint (a hidden tab) starts anyway
  setTimeout(start, 1000);
} else requestAnimationFrame(() => requestAnimationFrame(start));
