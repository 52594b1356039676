/**
 * The landscape's three figures, drawn with d3 (d3-scale for the axes, d3-shape for the curve,
 * d3-contour for the level sets) into the SVGs of landscape-figure.ts:
 *
 *   1-D slice      loss on a log axis along one random filter-normalised direction, α from −1 to 1;
 *                  the trained network is α = 0
 *   2-D slice      filled level sets of log₁₀ L(θ + α d₁ + β d₂); d3-contour puts grid value (j, i)
 *                  at (j + ½, i + ½), so a contour point c maps to α = α₀ + (c − ½) h, h the spacing
 *   eigenvalues    the Hessian's k largest and k smallest eigenvalues on a symmetric-log axis
 *                  (linear near 0, logarithmic further out), negative ones in red
 */
import { contours } from 'd3-contour';
import { scaleLinear, scaleLog, scaleSymlog } from 'd3-scale';
import { line } from 'd3-shape';
import type { Landscape } from './landscape.js';
import { svg } from './surface-plot.js';
import { formatNumber } from './ticks.js';

const margin = { left: 50, right: 12, top: 10, bottom: 30 };

function axisText(parent: SVGElement, x: number, y: number, text: string, anchor = 'middle', cls = '') {
  svg('text', { x, y, 'text-anchor': anchor, class: cls }, parent).textContent = text;
}

export function drawSlice(el: SVGSVGElement, l: Landscape): void {
  el.replaceChildren();
  const [width, height] = [300, 190];
  const x = scaleLinear()
    .domain([l.alphas[0], l.alphas[l.alphas.length - 1]])
    .range([margin.left, width - margin.right]);
  const positive = Array.from(l.losses).filter((v) => v > 0 && Number.isFinite(v));
  const y = scaleLog()
    .domain([Math.min(...positive), Math.max(...positive)])
    .nice()
    .range([height - margin.bottom, margin.top]);
  const axes = svg('g', { class: 'ticks' }, el);
  svg('rect', { ...box(x.range(), y.range()), class: 'frame' }, axes);
  for (const t of x.ticks(5)) axisText(axes, x(t), height - margin.bottom + 14, formatNumber(t));
  // the powers of ten on the log axis (both ends when it spans less than a decade)
  const decades = y.ticks().filter((t) => Number.isInteger(Math.log10(t)));
  const every = Math.ceil(decades.length / 5); // at most five labels
  const labelled = decades.filter((_, i) => (decades.length - 1 - i) % every === 0);
  for (const t of decades.length >= 2 ? labelled : y.domain())
    axisText(axes, margin.left - 5, y(t) + 4, formatNumber(t, 2), 'end');
  axisText(axes, (margin.left + width - margin.right) / 2, height - 2, 'α', 'middle', 'axis-label');
  const middle = (margin.top + height - margin.bottom) / 2;
  svg(
    'text',
    { x: 10, y: middle, transform: `rotate(-90 10 ${middle})`, 'text-anchor': 'middle', class: 'axis-label' },
    axes,
  ).textContent = 'loss (log axis)';
  const points = Array.from(l.alphas, (a, i) => [a, l.losses[i]] as [number, number]).filter(
    ([, v]) => v > 0 && Number.isFinite(v),
  );
  const path = line<[number, number]>()
    .x(([a]) => x(a))
    .y(([, v]) => y(v))(points);
  svg('path', { d: path ?? '', class: 'series', stroke: '#c92a2a', 'data-points': points.length }, el);
  const zero = l.losses[Math.floor(l.losses.length / 2)];
  svg('circle', { cx: x(0), cy: y(zero), r: 4, class: 'here' }, el);
}

export function drawSurface(el: SVGSVGElement, l: Landscape): void {
  el.replaceChildren();
  const [width, height] = [300, 230];
  const { G, coords } = l;
  const h = (coords[G - 1] - coords[0]) / (G - 1);
  const lo = coords[0] - h / 2;
  const hi = coords[G - 1] + h / 2;
  // a square plot, with room on its right for the colour key and its labels
  const side = Math.min(width - margin.left - margin.right - 52, height - margin.top - margin.bottom);
  const x = scaleLinear()
    .domain([lo, hi])
    .range([margin.left, margin.left + side]);
  const y = scaleLinear()
    .domain([lo, hi])
    .range([margin.top + side, margin.top]);
  const values = Array.from(l.grid, (v) => Math.log10(Math.max(v, 1e-12)));
  const finite = values.filter(Number.isFinite);
  const [vmin, vmax] = [Math.min(...finite), Math.max(...finite)];
  const levels = Array.from({ length: 12 }, (_, i) => vmin + ((vmax - vmin) * i) / 12);
  const colour = scaleLinear<string>()
    .domain([vmin, (vmin + vmax) / 2, vmax])
    .range(['#1b2a5e', '#2a9d8f', '#fff4c2']);
  const toX = (c: number) => x(coords[0] + (c - 0.5) * h);
  const toY = (c: number) => y(coords[0] + (c - 0.5) * h);
  const layers = svg('g', { class: 'levels' }, el);
  for (const c of contours().size([G, G]).thresholds(levels)(values)) {
    const d = c.coordinates
      .flatMap((polygon) =>
        polygon.map(
          (ring) => `M${ring.map(([cx, cy]) => `${toX(cx).toFixed(1)},${toY(cy).toFixed(1)}`).join('L')}Z`,
        ),
      )
      .join('');
    svg('path', { d, fill: colour(c.value), 'data-level': c.value.toFixed(3) }, layers);
  }
  const axes = svg('g', { class: 'ticks' }, el);
  svg('rect', { ...box(x.range(), y.range()), class: 'frame' }, axes);
  for (const t of x.ticks(4)) axisText(axes, x(t), margin.top + side + 14, formatNumber(t));
  for (const t of y.ticks(4)) axisText(axes, margin.left - 5, y(t) + 4, formatNumber(t), 'end');
  axisText(axes, margin.left + side / 2, margin.top + side + 27, 'α', 'middle', 'axis-label');
  axisText(axes, 12, margin.top + side / 2, 'β', 'middle', 'axis-label');
  svg('circle', { cx: x(0), cy: y(0), r: 4, class: 'here' }, el);
  // the colour key: low to high log₁₀ loss
  const keyX = margin.left + side + 14;
  const key = svg('g', { class: 'ticks' }, el);
  const steps = 8;
  for (let k = 0; k < steps; k++) {
    svg(
      'rect',
      {
        x: keyX,
        y: margin.top + (side * (steps - 1 - k)) / steps,
        width: 10,
        height: side / steps + 0.5,
        fill: colour(vmin + ((vmax - vmin) * (k + 0.5)) / steps),
      },
      key,
    );
  }
  axisText(key, keyX + 14, margin.top + 9, formatNumber(10 ** vmax, 2), 'start');
  axisText(key, keyX + 14, margin.top + side, formatNumber(10 ** vmin, 2), 'start');
}

export function drawSpectrum(el: SVGSVGElement, l: Landscape): void {
  el.replaceChildren();
  const [width, height] = [300, 120];
  const all = [...l.largest, ...l.smallest];
  const extent = Math.max(...all.map(Math.abs), 1e-6);
  const x = scaleSymlog()
    .domain([-extent, extent])
    .constant(Math.max(1e-3, extent / 1e4))
    .range([margin.left - 30, width - margin.right - 4]);
  const mid = 58;
  const axes = svg('g', { class: 'ticks' }, el);
  svg('line', { x1: x.range()[0], x2: x.range()[1], y1: mid, y2: mid }, axes);
  // labelled ticks at 0 and ± the largest |λ| (one digit); unlabelled ones at its hundredths
  const end = Number(extent.toPrecision(1));
  for (const t of [-end, -end / 100, 0, end / 100, end]) {
    svg('line', { x1: x(t), x2: x(t), y1: mid - 4, y2: mid + 4 }, axes);
    const anchor = t === 0 ? 'middle' : t < 0 ? 'start' : 'end';
    if (Math.abs(t) !== end / 100)
      axisText(axes, x(t) + (t < 0 ? -4 : t > 0 ? 4 : 0), mid + 18, formatNumber(t, 2), anchor);
  }
  axisText(
    axes,
    (x.range()[0] + x.range()[1]) / 2,
    height - 4,
    'eigenvalue λ of ∇²L (symmetric log axis)',
    'middle',
    'axis-label',
  );
  const dots = svg('g', { class: 'eigenvalues' }, el);
  all.forEach((v, k) => {
    svg('circle', { cx: x(v), cy: mid, r: 5, class: v < 0 ? 'negative' : 'positive', 'data-value': v }, dots);
    if (k === 0 || k === l.largest.length) {
      const label = k === 0 ? `λ_max ${formatNumber(v, 3)}` : `λ_min ${formatNumber(v, 3)}`;
      axisText(dots, x(v), k === 0 ? mid - 12 : mid - 24, label, k === 0 ? 'end' : 'start', 'eigen-label');
    }
  });
}

function box([x0, x1]: number[], [y0, y1]: number[]) {
  return { x: Math.min(x0, x1), y: Math.min(y0, y1), width: Math.abs(x1 - x0), height: Math.abs(y1 - y0) };
}
