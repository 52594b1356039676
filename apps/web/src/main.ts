/** The demo page: optimizers at work, in the browser, on the same kernels as in Node. */
import { dot, fromArray } from '@descent/kernels';

const app = document.querySelector<HTMLElement>('#app')!;
const x = fromArray(Float64Array.from({ length: 1000 }, (_, i) => i + 1));
app.innerHTML = `<h1>descent</h1><p id="kernels">SIMD dot of 1..1000 with itself: <output>${dot(x, x)}</output></p>`;
