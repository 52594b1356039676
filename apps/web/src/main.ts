/** The demo page: optimizers at work, in the browser, on the same kernels as in Node. */
import './style.css';
import { dot, fromArray } from '@descent/kernels';
import { criticalView } from './critical-view.js';
import { raceView } from './race-view.js';
import { scheduleView } from './schedule-view.js';
import { trainingView } from './training-view.js';

const app = document.querySelector<HTMLElement>('#app')!;
app.innerHTML = `<header><h1>descent</h1><p>Optimizers at work: watch gradient descent, momentum, Adam,
  L-BFGS and Newton race on a loss surface, read a critical point off the Hessian, shape a
  learning-rate schedule and train a small network. Everything runs in this page, on SIMD WebAssembly.</p>
  <nav><a href="#race">Race</a><a href="#critical">Critical points</a><a href="#schedules">Schedules</a><a href="#training">Training</a></nav></header>`;
app.append(raceView(), criticalView(), scheduleView(), trainingView());

// A self-check that the kernels' WebAssembly loaded: the SIMD dot product of 1..1000 with itself.
const x = fromArray(Float64Array.from({ length: 1000 }, (_, i) => i + 1));
const footer = document.createElement('footer');
footer.innerHTML = `<p id="kernels">Kernels loaded: SIMD dot of 1..1000 with itself = <output>${dot(x, x)}</output></p>`;
x.free();
app.append(footer);
