/**
 * A small SVG line chart: one or more series y_i over the steps i = 0 .. n−1, with nice ticks on
 * both axes (the y axis from 0, or from the smallest value when it is negative).
 */
import { svg } from './surface-plot.js';
import { formatNumber, niceTicks } from './ticks.js';

export interface Series {
  values: ArrayLike<number>;
  colour: string;
  name: string;
}

const margin = { left: 58, right: 14, top: 12, bottom: 34 };

export class LineChart {
  readonly element: SVGSVGElement;

  constructor(
    readonly width = 560,
    readonly height = 260,
    readonly xLabel = 'step',
    public yLabel = '',
  ) {
    this.element = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'line-chart' });
  }

  /** Redraws the chart with these series (non-finite values are left out). */
  draw(series: Series[]): void {
    this.element.replaceChildren();
    const n = Math.max(2, ...series.map((s) => s.values.length));
    const finite = series.flatMap((s) => Array.from(s.values).filter(Number.isFinite));
    const lo = Math.min(0, ...finite);
    const hi = Math.max(lo + 1e-12, ...finite);
    const w = this.width - margin.left - margin.right;
    const h = this.height - margin.top - margin.bottom;
    const X = (i: number) => margin.left + (i / (n - 1)) * w;
    const Y = (v: number) => margin.top + (1 - (v - lo) / (hi - lo)) * h;
    const axes = svg('g', { class: 'ticks' }, this.element);
    svg('rect', { x: margin.left, y: margin.top, width: w, height: h, class: 'frame' }, axes);
    for (const t of niceTicks(0, n - 1, 8)) {
      svg('line', { x1: X(t), x2: X(t), y1: margin.top, y2: margin.top + h, class: 'grid' }, axes);
      svg('text', { x: X(t), y: margin.top + h + 16, 'text-anchor': 'middle' }, axes).textContent =
        formatNumber(t);
    }
    for (const t of niceTicks(lo, hi, 5)) {
      svg('line', { x1: margin.left, x2: margin.left + w, y1: Y(t), y2: Y(t), class: 'grid' }, axes);
      svg('text', { x: margin.left - 6, y: Y(t) + 4, 'text-anchor': 'end' }, axes).textContent =
        formatNumber(t);
    }
    svg(
      'text',
      { x: margin.left + w / 2, y: this.height - 2, 'text-anchor': 'middle', class: 'axis-label' },
      axes,
    ).textContent = this.xLabel;
    if (this.yLabel) {
      const y = margin.top + h / 2;
      svg(
        'text',
        { x: 12, y, transform: `rotate(-90 12 ${y})`, 'text-anchor': 'middle', class: 'axis-label' },
        axes,
      ).textContent = this.yLabel;
    }
    for (const s of series) {
      const points: string[] = [];
      for (let i = 0; i < s.values.length; i++) {
        const v = s.values[i];
        if (Number.isFinite(v)) points.push(`${X(i).toFixed(1)},${Y(v).toFixed(1)}`);
      }
      svg(
        'polyline',
        { points: points.join(' '), stroke: s.colour, class: 'series', 'data-name': s.name },
        this.element,
      );
    }
  }
}
