/**
 * A 2-D loss surface drawn for the eye: a heat map on a canvas (colour = the rank of f among the
 * sampled values, so every shade is used), level lines from marching squares and axes in an SVG on
 * top, plus two SVG layers the views draw into (`paths` for trajectories and arrows, `markers` for
 * points). Clicks report the point in the function's coordinates. The plot takes the width of its
 * container (up to `maxWidth` pixels) when it is painted, and scales with it after that.
 */
import {
  type Domain,
  marchingSquares,
  quantileLevels,
  rankOf,
  type SurfaceGrid,
  sampleSurface,
  sortedFinite,
} from './surface.js';
import { formatNumber, niceTicks } from './ticks.js';

export const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number> = {},
  parent?: Element,
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, String(v));
  parent?.appendChild(el);
  return el;
}

function sameBox(a: Domain, b: Domain): boolean {
  return a.every(([lo, hi], i) => lo === b[i][0] && hi === b[i][1]);
}

/** Dark blue (low) to pale yellow (high): ColorBrewer's YlGnBu, reversed. */
const palette = [
  '#081d58',
  '#253494',
  '#225ea8',
  '#1d91c0',
  '#41b6c4',
  '#7fcdbb',
  '#c7e9b4',
  '#edf8b1',
  '#ffffd9',
];
const paletteRgb = palette.map((h) => [1, 3, 5].map((k) => Number.parseInt(h.slice(k, k + 2), 16)));

/** The palette colour at t in [0, 1], linearly interpolated between stops. */
export function colourAt(t: number): number[] {
  const s = Math.min(1, Math.max(0, t)) * (paletteRgb.length - 1);
  const k = Math.min(paletteRgb.length - 2, Math.floor(s));
  const u = s - k;
  return paletteRgb[k].map((c, i) => c + u * (paletteRgb[k + 1][i] - c));
}

const margin = { left: 46, right: 10, top: 10, bottom: 30 };

export class SurfacePlot {
  readonly element: HTMLDivElement;
  readonly paths: SVGGElement;
  readonly markers: SVGGElement;
  width: number;
  /** Current height: the plot keeps the domain's aspect ratio between `minHeight` and `maxHeight`. */
  height: number;
  domain: Domain = [
    [-1, 1],
    [-1, 1],
  ];
  private readonly canvas: HTMLCanvasElement;
  private readonly svgRoot: SVGSVGElement;
  private readonly clipRect: SVGRectElement;
  private readonly background: SVGGElement;
  private pendingLines: ReturnType<typeof setTimeout> | undefined;
  private room = 0;

  constructor(
    readonly maxWidth = 560,
    readonly maxHeight = 440,
    readonly minHeight = 260,
  ) {
    this.width = maxWidth;
    this.height = maxHeight;
    this.element = document.createElement('div');
    this.element.className = 'surface-plot';
    this.canvas = document.createElement('canvas');
    this.svgRoot = svg('svg', {});
    const clip = svg('clipPath', { id: `clip-${Math.random().toString(36).slice(2)}` }, this.svgRoot);
    this.clipRect = svg('rect', {}, clip);
    this.background = svg('g', { class: 'axes' }, this.svgRoot);
    const clipped = svg('g', { 'clip-path': `url(#${clip.id})` }, this.svgRoot);
    this.paths = svg('g', { class: 'paths' }, clipped);
    this.markers = svg('g', { class: 'markers' }, clipped);
    this.element.append(this.canvas, this.svgRoot);
    this.resize(maxHeight);
  }

  /** Sets the total height and lays out the canvas, the SVG and the clip to match. */
  private resize(height: number): void {
    this.height = height;
    const { width } = this;
    const percent = (v: number, of: number) => `${((100 * v) / of).toFixed(4)}%`;
    this.element.style.maxWidth = `${width}px`;
    this.element.style.aspectRatio = `${width} / ${height}`;
    Object.assign(this.canvas.style, {
      left: percent(margin.left, width),
      top: percent(margin.top, height),
      width: percent(this.plotWidth, width),
      height: percent(this.plotHeight, height),
    });
    this.svgRoot.setAttribute('viewBox', `0 0 ${width} ${height}`);
    for (const [k, v] of Object.entries({
      x: margin.left,
      y: margin.top,
      width: this.plotWidth,
      height: this.plotHeight,
    })) {
      this.clipRect.setAttribute(k, String(v));
    }
  }

  get plotWidth(): number {
    return this.width - margin.left - margin.right;
  }

  get plotHeight(): number {
    return this.height - margin.top - margin.bottom;
  }

  /** Pixel position of the point (x, y). */
  toPx(x: number, y: number): [number, number] {
    const [[x0, x1], [y0, y1]] = this.domain;
    return [
      margin.left + ((x - x0) / (x1 - x0)) * this.plotWidth,
      margin.top + ((y1 - y) / (y1 - y0)) * this.plotHeight,
    ];
  }

  /** The point under the pixel (px, py). */
  fromPx(px: number, py: number): [number, number] {
    const [[x0, x1], [y0, y1]] = this.domain;
    return [
      x0 + ((px - margin.left) / this.plotWidth) * (x1 - x0),
      y1 - ((py - margin.top) / this.plotHeight) * (y1 - y0),
    ];
  }

  /** Calls `pick(x, y)` on every click inside the plot area. */
  onPick(pick: (x: number, y: number) => void): void {
    this.svgRoot.addEventListener('click', (event) => {
      const box = this.svgRoot.getBoundingClientRect();
      const px = ((event.clientX - box.left) / box.width) * this.width;
      const py = ((event.clientY - box.top) / box.height) * this.height;
      if (
        px < margin.left ||
        px > this.width - margin.right ||
        py < margin.top ||
        py > this.height - margin.bottom
      )
        return;
      pick(...this.fromPx(px, py));
    });
  }

  /**
   * Sets the domain (equal scales on both axes where the box allows it, so an elongated bowl looks
   * elongated), paints the plot area from `colour(x, y)` on a grid of one cell per 3 pixels, and
   * redraws the axes. Clears the view layers and fits the plot to its container, unless
   * `keepLayers` (a repaint of the same box: the trajectories and markers stay where they are).
   * Returns the grid size.
   */
  paint(
    domain: Domain,
    colour: (i: number, j: number, nx: number, ny: number) => number[],
    keepLayers = false,
  ): [number, number] {
    this.layout(domain, keepLayers);
    const nx = Math.round(this.plotWidth / 3);
    const ny = Math.round(this.plotHeight / 3);
    const image = new ImageData(nx, ny);
    for (let j = 0; j < ny; j++) {
      for (let i = 0; i < nx; i++) {
        const [r, g, b] = colour(i, j, nx, ny);
        const o = ((ny - 1 - j) * nx + i) * 4; // image rows run top-down, y bottom-up
        image.data[o] = r;
        image.data[o + 1] = g;
        image.data[o + 2] = b;
        image.data[o + 3] = 255;
      }
    }
    this.putImage(image);
    return [nx, ny];
  }

  /**
   * Paints the plot area with an image of any size (rows top-down), stretched over the box: the
   * fast path for a picture computed elsewhere (the decision map). Same layout rules as paint().
   */
  paintImage(domain: Domain, image: ImageData, keepLayers = false): void {
    this.layout(domain, keepLayers);
    this.putImage(image);
  }

  private putImage(image: ImageData): void {
    if (this.canvas.width !== image.width || this.canvas.height !== image.height) {
      this.canvas.width = image.width;
      this.canvas.height = image.height;
    }
    this.canvas.getContext('2d')!.putImageData(image, 0, 0);
  }

  /**
   * Sets the domain and the size for it; unless `keepLayers` with an unchanged size, fits the plot
   * to its container, redraws the axes and clears the view layers. A repaint of the same box
   * touches only the canvas (relaying out the SVG costs).
   */
  private layout(domain: Domain, keepLayers: boolean): void {
    if (!keepLayers) {
      // the container's width, read once and again only after a resize (a read forces a layout)
      if (this.room === 0) {
        this.room = this.element.parentElement?.clientWidth ?? 0;
        if (this.room > 0) window.addEventListener('resize', () => (this.room = 0), { once: true });
      }
      const { room } = this;
      this.width = room > 0 ? Math.min(this.maxWidth, Math.max(200, Math.floor(room))) : this.maxWidth;
    }
    const [[x0, x1], [y0, y1]] = domain;
    const natural = (this.plotWidth * (y1 - y0)) / (x1 - x0) + margin.top + margin.bottom;
    const height = Math.round(
      Math.min(this.maxHeight, Math.max(Math.min(this.minHeight, 0.6 * this.width), natural)),
    );
    const same = keepLayers && height === this.height && sameBox(domain, this.domain);
    this.domain = domain;
    if (same) return;
    this.resize(height);
    this.background.replaceChildren();
    if (!keepLayers) {
      this.paths.replaceChildren();
      this.markers.replaceChildren();
    }
    this.drawAxes();
  }

  /**
   * Points (x_i, y_i) as small dots, one SVG path per class (thousands of points cost three
   * elements, not thousands): class k gets the CSS classes `dots dots-k` and `extraClass`;
   * `data-count` says how many.
   */
  dots(xy: ArrayLike<number>, labels: ArrayLike<number>, radius = 2.6, extraClass = ''): SVGPathElement[] {
    const d = new Map<number, string[]>();
    for (let i = 0; i < labels.length; i++) {
      const [px, py] = this.toPx(xy[2 * i], xy[2 * i + 1]);
      const arc = `M${(px - radius).toFixed(1)} ${py.toFixed(1)}a${radius} ${radius} 0 1 0 ${2 * radius} 0a${radius} ${radius} 0 1 0 ${-2 * radius} 0`;
      if (!d.has(labels[i])) d.set(labels[i], []);
      d.get(labels[i])!.push(arc);
    }
    return [...d.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([k, arcs]) =>
        svg(
          'path',
          { d: arcs.join(''), class: `dots dots-${k} ${extraClass}`.trim(), 'data-count': arcs.length },
          this.markers,
        ),
      );
  }

  /**
   * Draws f over the domain: heat map (colour = rank of f) and axes now, the `levels` level lines
   * in a task of their own right after (so neither holds the main thread long; a newer show()
   * cancels lines not drawn yet).
   */
  show(f: (x: Float64Array) => number, domain: Domain, levels = 14): void {
    let grid: SurfaceGrid | undefined;
    let sorted: Float64Array = new Float64Array(0);
    this.paint(domain, (i, j, nx, ny) => {
      if (!grid) {
        grid = sampleSurface(f, domain, nx, ny);
        sorted = sortedFinite(grid.values);
      }
      const v = grid.values[j * nx + i];
      return Number.isFinite(v) ? colourAt(rankOf(sorted, v)) : [255, 255, 255];
    });
    clearTimeout(this.pendingLines);
    const sampled = grid;
    if (!sampled) return;
    this.pendingLines = setTimeout(() => {
      const lines = svg('g', { class: 'level-lines' }, this.background);
      for (const level of quantileLevels(sampled.values, levels)) {
        let d = '';
        for (const [xa, ya, xb, yb] of marchingSquares(sampled, level)) {
          const [pa, qa] = this.toPx(xa, ya);
          const [pb, qb] = this.toPx(xb, yb);
          d += `M${pa.toFixed(1)} ${qa.toFixed(1)}L${pb.toFixed(1)} ${qb.toFixed(1)}`;
        }
        if (d) svg('path', { d, 'data-level': level }, lines);
      }
    }, 0);
  }

  private drawAxes(): void {
    const [[x0, x1], [y0, y1]] = this.domain;
    const g = svg('g', { class: 'ticks' }, this.background);
    const bottom = this.height - margin.bottom;
    svg(
      'rect',
      { x: margin.left, y: margin.top, width: this.plotWidth, height: this.plotHeight, class: 'frame' },
      g,
    );
    for (const t of niceTicks(x0, x1, 6)) {
      const [px] = this.toPx(t, y0);
      svg('line', { x1: px, x2: px, y1: bottom, y2: bottom + 5 }, g);
      svg('text', { x: px, y: bottom + 18, 'text-anchor': 'middle' }, g).textContent = formatNumber(t);
    }
    for (const t of niceTicks(y0, y1, 5)) {
      const [, py] = this.toPx(x0, t);
      svg('line', { x1: margin.left - 5, x2: margin.left, y1: py, y2: py }, g);
      svg('text', { x: margin.left - 8, y: py + 4, 'text-anchor': 'end' }, g).textContent = formatNumber(t);
    }
  }

  /** A polyline through the points, in the given colour; returns it. */
  polyline(points: ArrayLike<number>[], colour: string, layer: SVGGElement = this.paths): SVGPolylineElement {
    const pts = Array.from(points, (p) =>
      this.toPx(p[0], p[1])
        .map((v) => v.toFixed(1))
        .join(','),
    ).join(' ');
    return svg('polyline', { points: pts, stroke: colour, class: 'trajectory' }, layer);
  }

  /** A marker at (x, y): 'start', 'minimum', 'maximum', 'saddle', 'degenerate' or 'probe'. */
  marker(x: number, y: number, kind: string, title = ''): SVGElement {
    const [px, py] = this.toPx(x, y);
    const g = svg('g', {
      class: `marker marker-${kind}`,
      transform: `translate(${px.toFixed(1)},${py.toFixed(1)})`,
    });
    if (kind === 'saddle') svg('path', { d: 'M-5 -5L5 5M-5 5L5 -5' }, g);
    else if (kind === 'maximum') svg('path', { d: 'M0 6L-6 -4L6 -4Z' }, g);
    else if (kind === 'minimum') svg('path', { d: 'M0 -6L6 4L-6 4Z' }, g);
    else svg('circle', { r: kind === 'probe' ? 6 : 5 }, g);
    if (title) svg('title', {}, g).textContent = title;
    this.markers.appendChild(g);
    return g;
  }

  /** An arrow from (x, y) along the direction (dx, dy) in the function's coordinates, with a label at its head. */
  arrow(x: number, y: number, dx: number, dy: number, className: string, label = ''): SVGElement {
    const [ax, ay] = this.toPx(x, y);
    const [bx, by] = this.toPx(x + dx, y + dy);
    const len = Math.hypot(bx - ax, by - ay) || 1;
    const ux = (bx - ax) / len;
    const uy = (by - ay) / len;
    const head = `M${bx} ${by}L${bx - 10 * ux + 5 * uy} ${by - 10 * uy - 5 * ux}L${bx - 10 * ux - 5 * uy} ${by - 10 * uy + 5 * ux}Z`;
    const g = svg('g', { class: `arrow ${className}` }, this.paths);
    svg('line', { x1: ax, y1: ay, x2: bx - 8 * ux, y2: by - 8 * uy }, g);
    svg('path', { d: head }, g);
    if (label) {
      // beside the head, pushed out along the arrow so that it clears it
      const text = svg(
        'text',
        {
          x: bx + 12 * ux,
          y: by + 12 * uy + 4,
          'text-anchor': ux < -0.3 ? 'end' : ux > 0.3 ? 'start' : 'middle',
          class: 'arrow-label',
        },
        g,
      );
      text.textContent = label;
    }
    return g;
  }
}
