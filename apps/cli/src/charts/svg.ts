/**
 * SVG figures from vega-lite specs, rendered in Node without a canvas (vega's 'none' renderer).
 * The specs are plain objects, so the web page can reuse them.
 */
import type { Problem } from '@descent/core';
import type * as Vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { minOf } from '../report/extent.js';

/** vega and vega-lite, loaded on first use (they add most of a second to every start). */
async function charting() {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { vega, compile: vegaLite.compile };
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, compile } = await charting();
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export interface LineSeries {
  name: string;
  x: number[];
  y: number[];
}

/**
 * The indices of `y` a thinned line keeps: all of them up to 3·buckets; beyond, the values split
 * into `buckets` runs of equal length, each keeping its first point and its lowest and highest
 * finite one (min-max decimation: a zigzag keeps its envelope), and the last point.
 */
export function keptIndices(y: ArrayLike<number>, buckets: number): number[] {
  const n = y.length;
  if (n <= 3 * buckets) return Array.from({ length: n }, (_, i) => i);
  const kept = new Set<number>();
  for (let b = 0; b < buckets; b++) {
    const [from, to] = [Math.floor((b * n) / buckets), Math.floor(((b + 1) * n) / buckets)];
    let [lo, hi] = [-1, -1];
    for (let i = from; i < to; i++) {
      if (!Number.isFinite(y[i])) continue;
      if (lo < 0 || y[i] < y[lo]) lo = i;
      if (hi < 0 || y[i] > y[hi]) hi = i;
    }
    kept.add(from);
    if (lo >= 0) kept.add(lo);
    if (hi >= 0) kept.add(hi);
  }
  kept.add(n - 1);
  return [...kept].sort((a, b) => a - b);
}

/** Lines y(x), one colour per series; `logY` for losses spanning many decades. */
export function lineChartSpec(
  title: string,
  series: LineSeries[],
  axes: { x: string; y: string; logY?: boolean },
): TopLevelSpec {
  // about 600 points a line: the figure looks the same, the file stays small, oscillations stay
  const values = series.flatMap((s) => {
    const drawable = (i: number) => Number.isFinite(s.y[i]) && (!axes.logY || s.y[i] > 0);
    return keptIndices(s.y, 200)
      .filter(drawable)
      .map((i) => ({ series: s.name, x: s.x[i], y: s.y[i] }));
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 520,
    height: 300,
    data: { values },
    mark: { type: 'line', clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: axes.x },
      y: { field: 'y', type: 'quantitative', title: axes.y, scale: axes.logY ? { type: 'log' } : {} },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { scheme: 'category10', domain: series.map((s) => s.name) },
      },
    },
  } as TopLevelSpec;
}

export interface Path {
  name: string;
  points: Float64Array[];
}

export interface PlotFrame {
  x: [number, number];
  y: [number, number];
  width: number;
  height: number;
  /** One unit is as long on both axes (false for boxes too lopsided to draw so). */
  toScale: boolean;
}

/** Boxes whose sides differ by more than this are drawn with independent scales. */
export const MAX_ASPECT = 20;

/**
 * The plotted region and size for a 2-D box: equal scales on both axes (one unit as long on x as
 * on y: an ill-conditioned valley looks as narrow as it is), the longer side `side` pixels; the
 * shorter side is at least `minSide` pixels, its range widened about the box's centre (still to
 * scale). A box whose sides differ by more than MAX_ASPECT (the badly scaled problems) keeps
 * independent scales on a square, and says so.
 */
export function plotFrame(domain: [number, number][], side = 460, minSide = 160): PlotFrame {
  const [[x0, x1], [y0, y1]] = domain;
  const [wx, wy] = [x1 - x0, y1 - y0];
  const ratio = wx / wy;
  if (!(ratio <= MAX_ASPECT && ratio >= 1 / MAX_ASPECT)) {
    return { x: [x0, x1], y: [y0, y1], width: side, height: side, toScale: false };
  }
  const unit = side / Math.max(wx, wy); // pixels per unit, both axes
  const width = Math.max(minSide, wx * unit);
  const height = Math.max(minSide, wy * unit);
  const [cx, cy] = [(x0 + x1) / 2, (y0 + y1) / 2];
  const [hx, hy] = [width / unit / 2, height / unit / 2];
  return { x: [cx - hx, cx + hx], y: [cy - hy, cy + hy], width, height, toScale: true };
}

/** At most `max` points of a path, evenly spaced, keeping the first and the last. */
function thin(points: Float64Array[], max: number): Float64Array[] {
  if (points.length <= max) return points;
  return Array.from({ length: max }, (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))]);
}

/**
 * The optimizers' paths over the contour lines of f on the problem's 2-D box. The paths are a
 * vega-lite spec (`pathsSpec`, reusable by the web page); vega-lite has no contours, so the lines
 * of log10(f - min f + 1) at 14 levels come from vega's isocontour transform on an 80 x 80 grid,
 * added under the paths in the compiled vega spec (same x and y scales: grid row 0 is the top). The
 * axes are to scale (plotFrame): an ill-conditioned valley is drawn as narrow as it is.
 */
export function pathsSpec(title: string, problem: Problem, paths: Path[]): TopLevelSpec {
  const frame = plotFrame(problem.domain);
  const [[x0, x1], [y0, y1]] = problem.domain;
  const inBox = (q: Float64Array) => q[0] >= x0 && q[0] <= x1 && q[1] >= y0 && q[1] <= y1;
  const trail = paths.flatMap((path) =>
    thin(path.points, 400)
      .filter((q) => Number.isFinite(q[0]) && Number.isFinite(q[1]))
      .map((q, k) => ({ optimizer: path.name, k, px: q[0], py: q[1], inside: inBox(q) })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: frame.toScale
      ? title
      : `${title} (axes not to scale: the box is ${Number(((x1 - x0) / (y1 - y0)).toPrecision(3))} times as wide as high)`,
    width: frame.width,
    height: frame.height,
    data: { values: trail },
    mark: { type: 'line', clip: true, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'px',
        type: 'quantitative',
        scale: { domain: frame.x, nice: false, zero: false },
        title: 'x1',
      },
      y: {
        field: 'py',
        type: 'quantitative',
        scale: { domain: frame.y, nice: false, zero: false },
        title: 'x2',
      },
      order: { field: 'k', type: 'quantitative' },
      color: {
        field: 'optimizer',
        type: 'nominal',
        scale: { scheme: 'category10', domain: paths.map((p) => p.name) },
      },
    },
  } as TopLevelSpec;
}

export async function renderContourSvg(
  title: string,
  problem: Problem,
  paths: Path[],
  grid = 80,
): Promise<string> {
  const {
    x: [x0, x1],
    y: [y0, y1],
  } = plotFrame(problem.domain);
  const values = new Array<number>(grid * grid);
  const p = new Float64Array(2);
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      p[0] = x0 + ((c + 0.5) * (x1 - x0)) / grid;
      p[1] = y1 - ((r + 0.5) * (y1 - y0)) / grid;
      values[r * grid + c] = problem.f(p);
    }
  }
  const fMin = minOf(values.filter(Number.isFinite));
  const levels = values.map((v) => (Number.isFinite(v) ? Math.log10(v - fMin + 1) : Number.NaN));
  const { vega, compile } = await charting();
  const spec = compile(pathsSpec(title, problem, paths)).spec as Vega.Spec & Record<string, unknown[]>;
  spec.data = [
    {
      name: 'contour_grid',
      values: [{ width: grid, height: grid, values: levels }],
      transform: [
        { type: 'isocontour', levels: 14, scale: { signal: `[width / ${grid}, height / ${grid}]` } },
      ],
    },
    ...(spec.data ?? []),
  ];
  spec.scales = [
    ...(spec.scales ?? []),
    {
      name: 'contour_color',
      type: 'sequential',
      domain: { data: 'contour_grid', field: 'contour.value' },
      range: { scheme: 'greys' },
      reverse: true,
    },
  ];
  spec.marks = [
    {
      type: 'shape',
      from: { data: 'contour_grid' },
      clip: true,
      encode: {
        update: {
          stroke: { scale: 'contour_color', field: 'contour.value' },
          strokeWidth: { value: 1 },
          fill: { value: null },
        },
      },
      transform: [{ type: 'geoshape', field: 'datum.contour' }],
    },
    ...(spec.marks ?? []),
  ];
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}
