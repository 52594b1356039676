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

/** Lines y(x), one colour per series; `logY` for losses spanning many decades. */
export function lineChartSpec(
  title: string,
  series: LineSeries[],
  axes: { x: string; y: string; logY?: boolean },
): TopLevelSpec {
  // at most 600 points a line (evenly spaced, the last kept): the figure looks the same, the file stays small
  const values = series.flatMap((s) => {
    const stride = Math.max(1, Math.ceil(s.x.length / 600));
    return s.x
      .map((x, i) => ({ series: s.name, x, y: s.y[i], keep: i % stride === 0 || i === s.x.length - 1 }))
      .filter((d) => d.keep && Number.isFinite(d.y) && (!axes.logY || d.y > 0))
      .map(({ series: name, x, y }) => ({ series: name, x, y }));
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

/** At most `max` points of a path, evenly spaced, keeping the first and the last. */
function thin(points: Float64Array[], max: number): Float64Array[] {
  if (points.length <= max) return points;
  return Array.from({ length: max }, (_, i) => points[Math.round((i * (points.length - 1)) / (max - 1))]);
}

/**
 * The optimizers' paths over the contour lines of f on the problem's 2-D box. The paths are a
 * vega-lite spec (`pathsSpec`, reusable by the web page); vega-lite has no contours, so the lines
 * of log10(f - min f + 1) at 14 levels come from vega's isocontour transform on an 80 x 80 grid,
 * added under the paths in the compiled vega spec (same x and y scales: grid row 0 is the top).
 */
export function pathsSpec(title: string, problem: Problem, paths: Path[]): TopLevelSpec {
  const [[x0, x1], [y0, y1]] = problem.domain;
  const inBox = (q: Float64Array) => q[0] >= x0 && q[0] <= x1 && q[1] >= y0 && q[1] <= y1;
  const trail = paths.flatMap((path) =>
    thin(path.points, 400)
      .filter((q) => Number.isFinite(q[0]) && Number.isFinite(q[1]))
      .map((q, k) => ({ optimizer: path.name, k, px: q[0], py: q[1], inside: inBox(q) })),
  );
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 460,
    height: 460,
    data: { values: trail },
    mark: { type: 'line', clip: true, strokeWidth: 2 },
    encoding: {
      x: {
        field: 'px',
        type: 'quantitative',
        scale: { domain: [x0, x1], nice: false, zero: false },
        title: 'x1',
      },
      y: {
        field: 'py',
        type: 'quantitative',
        scale: { domain: [y0, y1], nice: false, zero: false },
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
  const [[x0, x1], [y0, y1]] = problem.domain;
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
