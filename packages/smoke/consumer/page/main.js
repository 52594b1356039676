// A tiny page built by a plain `vite build` from the installed tarballs: @descent/core (and the
// kernels' embedded wasm it loads) minimizes Rosenbrock with L-BFGS in the browser.
import { minimize, rosenbrock } from '@descent/core';

const r = minimize(rosenbrock(2), new Float64Array([-1.2, 1]), { method: 'lbfgs' });
document.querySelector('#result').textContent = JSON.stringify({
  x: Array.from(r.x),
  converged: r.converged,
});
