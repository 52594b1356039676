/**
 * SVG figures from vega-lite specs, rendered in Node without a canvas (vega's 'none' renderer).
 * The specs are plain objects, so the web page can reuse them.
 */
import type { Problem } from '@descent/core';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
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
  const values = series.flatMap((s) =>
    s.x
      .map((x, i) => ({ series: s.name, x, y: s.y[i] }))
      .filter((d) => Number.isFinite(d.y) && (!axes.logY || d.y > 0)),
  );
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
      color: { field: 'series', type: 'nominal', title: null },
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
 * Filled contours of log10(f - f_min + 1) on the problem's box (a 60 x 60 grid quantized into
 * bands), with each optimizer's path drawn over them.
 */
export function contourSpec(title: string, problem: Problem, paths: Path[], grid = 60): TopLevelSpec {
  const [[x0, x1], [y0, y1]] = problem.domain;
  const dx = (x1 - x0) / grid;
  const dy = (y1 - y0) / grid;
  const cells: { x: number; y: number; x2: number; y2: number; f: number }[] = [];
  const p = new Float64Array(2);
  for (let i = 0; i < grid; i++) {
    for (let j = 0; j < grid; j++) {
      p[0] = x0 + (i + 0.5) * dx;
      p[1] = y0 + (j + 0.5) * dy;
      cells.push({
        x: x0 + i * dx,
        x2: x0 + (i + 1) * dx,
        y: y0 + j * dy,
        y2: y0 + (j + 1) * dy,
        f: problem.f(p),
      });
    }
  }
  const finite = cells.map((c) => c.f).filter(Number.isFinite);
  const fMin = Math.min(...finite);
  const level = cells.map((c) => ({ ...c, level: Math.log10(c.f - fMin + 1) }));
  const inBox = (q: Float64Array) => q[0] >= x0 && q[0] <= x1 && q[1] >= y0 && q[1] <= y1;
  const trail = paths.flatMap((path) =>
    thin(path.points, 300)
      .filter((q) => Number.isFinite(q[0]) && Number.isFinite(q[1]))
      .map((q, k) => ({ optimizer: path.name, k, px: q[0], py: q[1], inside: inBox(q) })),
  );
  const xScale = { domain: [x0, x1], nice: false, zero: false };
  const yScale = { domain: [y0, y1], nice: false, zero: false };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title,
    width: 460,
    height: 460,
    layer: [
      {
        data: { values: level },
        mark: { type: 'rect', clip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: xScale, title: 'x1' },
          x2: { field: 'x2' },
          y: { field: 'y', type: 'quantitative', scale: yScale, title: 'x2' },
          y2: { field: 'y2' },
          color: {
            field: 'level',
            type: 'quantitative',
            scale: { type: 'quantize', scheme: 'greys', nice: false, reverse: true },
            title: 'log10(f - min f + 1)',
          },
        },
      },
      {
        data: { values: trail },
        mark: { type: 'line', point: { size: 12 }, clip: true, strokeWidth: 2 },
        encoding: {
          x: { field: 'px', type: 'quantitative', scale: xScale },
          y: { field: 'py', type: 'quantitative', scale: yScale },
          order: { field: 'k', type: 'quantitative' },
          color: { field: 'optimizer', type: 'nominal', scale: { scheme: 'category10' } },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  } as TopLevelSpec;
}
