/**
 * A small SVG line chart: one or more series y over steps x (x = 0, 1, … unless the series gives
 * its own steps), with nice ticks on both axes (the y axis from 0, or from the smallest value when
 * it is negative, unless a fixed range is given) and a legend when asked. Long series are thinned
 * to 2,000 points (series.ts). The chart takes the width of its container up to `width` pixels,
 * and scales with it after that (the SVG's viewBox).
 */
import { finiteExtent, strideIndices } from './series.js';
import { svg } from './surface-plot.js';
import { formatNumber, niceTicks } from './ticks.js';

export interface Series {
  values: ArrayLike<number>;
  /** The x of each value (default 0, 1, 2, …). */
  steps?: ArrayLike<number>;
  colour: string;
  name: string;
  /** Shown in the legend (default: no legend entry). */
  label?: string;
}

export interface ChartOptions {
  /** A fixed y range (default: from min(0, values) to the largest value). */
  yRange?: [number, number];
  /** The x axis runs from xMin to xMax (default: the longest series' last step). */
  xMax?: number;
  /** Formats the y tick labels (default formatNumber). */
  yFormat?: (v: number) => string;
  /** Formats the x tick labels (default formatNumber). */
  xFormat?: (v: number) => string;
  /** The x axis starts at xMin (default 0). */
  xMin?: number;
  /** A series drawn dashed, by name. */
  dashed?: string[];
  /** Where the legend goes (default 'top': the top right corner; 'bottom': the bottom right). */
  legendAt?: 'top' | 'bottom';
}

const margin = { left: 58, right: 14, top: 12, bottom: 34 };
const MAX_POINTS = 2000;

export class LineChart {
  readonly element: SVGSVGElement;
  width: number;

  constructor(
    readonly maxWidth = 560,
    readonly height = 260,
    readonly xLabel = 'step',
    public yLabel = '',
  ) {
    this.width = maxWidth;
    this.element = svg('svg', { class: 'line-chart' });
    this.element.style.maxWidth = `${maxWidth}px`;
    this.layout();
  }

  /** The container's width, read once and again only after the window is resized (a read forces a layout). */
  private room = 0;

  private layout(): void {
    if (this.room === 0) {
      this.room = this.element.parentElement?.clientWidth ?? 0;
      if (this.room > 0) window.addEventListener('resize', () => (this.room = 0), { once: true });
    }
    const { room } = this;
    this.width = room > 0 ? Math.min(this.maxWidth, Math.max(240, Math.floor(room))) : this.maxWidth;
    this.element.setAttribute('viewBox', `0 0 ${this.width} ${this.height}`);
    this.element.style.aspectRatio = `${this.width} / ${this.height}`;
  }

  /** Redraws the chart with these series (non-finite values are left out). */
  draw(series: Series[], options: ChartOptions = {}): void {
    this.layout();
    this.element.replaceChildren();
    const stepOf = (s: Series, i: number) => (s.steps ? s.steps[i] : i);
    let xMax = options.xMax ?? 1;
    if (options.xMax === undefined)
      for (const s of series) if (s.values.length > 0) xMax = Math.max(xMax, stepOf(s, s.values.length - 1));
    let lo = 0;
    let hi = 1e-12;
    if (options.yRange) [lo, hi] = options.yRange;
    else {
      const extents = series.map((s) => finiteExtent(s.values)).filter((e) => e !== undefined);
      lo = Math.min(0, ...extents.map((e) => e[0]));
      hi = Math.max(lo + 1e-12, ...extents.map((e) => e[1]));
    }
    const w = this.width - margin.left - margin.right;
    const h = this.height - margin.top - margin.bottom;
    const xMin = options.xMin ?? 0;
    const X = (x: number) => margin.left + ((x - xMin) / (xMax - xMin)) * w;
    const Y = (v: number) => margin.top + (1 - (v - lo) / (hi - lo)) * h;
    const axes = svg('g', { class: 'ticks' }, this.element);
    svg('rect', { x: margin.left, y: margin.top, width: w, height: h, class: 'frame' }, axes);
    const xFormat = options.xFormat ?? ((v: number) => formatNumber(v));
    for (const t of niceTicks(xMin, xMax, Math.max(3, Math.floor(w / 60)))) {
      svg('line', { x1: X(t), x2: X(t), y1: margin.top, y2: margin.top + h, class: 'grid' }, axes);
      svg('text', { x: X(t), y: margin.top + h + 16, 'text-anchor': 'middle' }, axes).textContent =
        xFormat(t);
    }
    const yFormat = options.yFormat ?? ((v: number) => formatNumber(v));
    for (const t of niceTicks(lo, hi, 5)) {
      svg('line', { x1: margin.left, x2: margin.left + w, y1: Y(t), y2: Y(t), class: 'grid' }, axes);
      svg('text', { x: margin.left - 6, y: Y(t) + 4, 'text-anchor': 'end' }, axes).textContent = yFormat(t);
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
      for (const i of strideIndices(s.values.length, MAX_POINTS)) {
        const v = s.values[i];
        if (Number.isFinite(v)) points.push(`${X(stepOf(s, i)).toFixed(1)},${Y(v).toFixed(1)}`);
      }
      svg(
        'polyline',
        {
          points: points.join(' '),
          stroke: s.colour,
          class: options.dashed?.includes(s.name) ? 'series dashed' : 'series',
          'data-name': s.name,
        },
        this.element,
      );
    }
    const labelled = series.filter((s) => s.label);
    if (labelled.length > 0) {
      const legend = svg('g', { class: 'legend' }, this.element);
      labelled.forEach((s, k) => {
        const y =
          options.legendAt === 'bottom'
            ? margin.top + h - 6 - 15 * (labelled.length - 1 - k)
            : margin.top + 12 + 15 * k;
        const x = margin.left + w - 8;
        svg(
          'line',
          { x1: x - 16, x2: x, y1: y - 4, y2: y - 4, stroke: s.colour, class: 'legend-line' },
          legend,
        );
        svg('text', { x: x - 20, y, 'text-anchor': 'end', 'data-name': s.name }, legend).textContent =
          s.label!;
      });
    }
  }
}
