/**
 * Coordinate descent's staircase on the page: the cyclic, random and Gauss–Southwell paths and full
 * gradient descent's on the contour plot of the turned ill-conditioned quadratic
 * (notes-quadratic.ts; the paths computed in the worker by notes-staircase.ts), with their step
 * counts. The angle φ of the valley lives in the URL.
 */
import { ChartLegend } from './chart-legend.js';
import { ComputeClient } from './compute-client.js';
import { onFirstSight } from './first-sight.js';
import {
  quadraticValue,
  type StairPath,
  staircaseAngles,
  staircaseDomain,
  staircaseStart,
  turnedQuadratic,
} from './notes-quadratic.js';
import { SurfacePlot } from './surface-plot.js';

export interface StaircaseState {
  angle?: number;
}

export type StaircaseViewElement = HTMLElement & {
  state(): StaircaseState;
  restore(s: StaircaseState): void;
};

export function staircaseView(onChange: () => void = () => {}): StaircaseViewElement {
  const section = document.createElement('section');
  section.id = 'staircase';
  section.innerHTML = `<h2>Coordinate descent's staircase</h2>
    <p class="lede">The race's ill-conditioned quadratic f = ½ θᵀAθ (curvatures 0.2 and 4, so
    κ = 20) with its valley turned by an angle φ. Coordinate descent changes one coordinate per step
    and minimizes f exactly along it: θ_j ← θ_j − (∂f/∂θ_j) / A_jj. The coordinate is taken in turn
    (cyclic), at random, or where |∂f/∂θ_j| is largest (Gauss–Southwell). Gradient descent moves
    both at once with the step 1/L.</p>
    <div class="view"><div class="plot-slot"></div><form class="controls" novalidate></form></div>
    <p class="explain">How to read it: every coordinate step is horizontal or vertical, so the paths
    climb down the valley as a staircase. The step along an axis is exact, but the valley is not
    along the axes, so each stair stops at the valley floor of that axis, short of the minimum. The
    more the valley is turned, the shorter the stairs (try φ = 45°); with φ = 0 the axes are the
    valley's and one sweep, two steps, finishes. A coordinate step costs one partial derivative,
    a gradient step all of them (the last column counts them; Gauss–Southwell needs all to pick
    the largest), which is why coordinate descent pays off when the gradient's
    entries are cheap one at a time (the lasso, large sparse problems).</p>`;
  const plot = new SurfacePlot(560, 420);
  plot.element.id = 'staircase-plot';
  const legend = new ChartLegend('staircase-legend');
  section.querySelector('.plot-slot')!.append(plot.element, legend.element);
  const form = section.querySelector('form')!;
  const angle = Object.assign(document.createElement('select'), { name: 'angle' });
  for (const a of staircaseAngles) angle.append(new Option(`${a}°`, String(a), a === 30, a === 30));
  const label = document.createElement('label');
  label.append('valley turned by φ = ', angle);
  const head = document.createElement('p');
  head.append(label);
  const status = Object.assign(document.createElement('p'), { className: 'status', role: 'status' });
  const table = document.createElement('table');
  table.className = 'results';
  table.id = 'staircase-results';
  table.innerHTML =
    '<thead><tr><th>method</th><th>steps to f ≤ 10⁻⁸</th><th>∂f/∂θ_j computed</th></tr></thead><tbody></tbody>';
  const tableSlot = Object.assign(document.createElement('div'), { className: 'table-slot' });
  tableSlot.append(table);
  form.append(head, status, tableSlot);

  const show = (A: number[], paths: StairPath[]) => {
    plot.show((x) => quadraticValue(A, x[0], x[1]), staircaseDomain);
    // the first 40 steps: the staircase's shape, not its many tiny last stairs; the paths that
    // coincide (cyclic and Gauss–Southwell alternate alike in 2-D) told apart by width and dashes
    const styles = [
      ['4.5', ''],
      ['2.5', ''],
      ['2', '6 4'],
      ['2', ''],
    ];
    paths.forEach((p, k) => {
      const line = plot.polyline(p.points.slice(0, 41), p.colour);
      line.dataset.method = p.name;
      line.style.strokeWidth = styles[k][0];
      if (styles[k][1]) line.style.strokeDasharray = styles[k][1];
    });
    plot.marker(0, 0, 'minimum', 'minimum f = 0');
    plot.marker(staircaseStart[0], staircaseStart[1], 'start', 'start (10, 1)');
    legend.show(paths.map((p) => ({ name: p.name, label: p.name, colour: p.colour })));
    table.tBodies[0].replaceChildren(
      ...paths.map((p) => {
        const tr = document.createElement('tr');
        tr.dataset.method = p.name;
        const steps = p.steps === null ? 'not within the run' : String(p.steps);
        const work = p.steps === null ? '' : String(p.steps * p.perStep);
        for (const v of [p.name.replace('coordinate descent, ', 'coordinate, '), steps, work]) {
          tr.insertCell().textContent = v;
        }
        return tr;
      }),
    );
  };

  const client = new ComputeClient();
  const draw = () => {
    const phi = Number(angle.value);
    status.textContent = '';
    status.classList.remove('error');
    section.dataset.state = 'running';
    client.run({ kind: 'notes-staircase', angle: phi }, (reply) => {
      client.stop();
      if (reply.kind === 'notes-staircase') {
        const A = turnedQuadratic(phi);
        status.textContent = `A = [[${A[0].toFixed(3)}, ${A[1].toFixed(3)}], [${A[2].toFixed(3)}, ${A[3].toFixed(3)}]]`;
        show(reply.A, reply.paths);
      } else {
        status.textContent = reply.kind === 'error' ? reply.message : `Unexpected reply: ${reply.kind}`;
        status.classList.add('error');
      }
      section.dataset.state = 'done';
    });
    onChange();
  };
  angle.addEventListener('change', draw);
  form.addEventListener('submit', (event) => event.preventDefault());

  return Object.assign(section, {
    state: (): StaircaseState => ({ angle: Number(angle.value) }),
    restore(s: StaircaseState): void {
      if (typeof s.angle === 'number' && staircaseAngles.includes(s.angle)) angle.value = String(s.angle);
      onFirstSight(section, draw);
    },
  });
}
