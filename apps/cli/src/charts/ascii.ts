/**
 * Terminal line charts (asciichart): several series on one set of axes, resampled to a fixed
 * width, with a legend. Colours only when stdout is a terminal; without colour (piped, logged,
 * NO_COLOR) several series are drawn with a marker each (*, o, +, x, ...), since identical line
 * glyphs could not be told apart: each column shows the lowest and the highest value of every
 * series over the steps it covers, so an oscillation stays visible however long the run.
 */
import * as asciichart from 'asciichart';
import { maxOf, minOf } from '../report/extent.js';

export interface Series {
  name: string;
  values: number[];
}

const palette = [
  asciichart.blue,
  asciichart.red,
  asciichart.green,
  asciichart.magenta,
  asciichart.cyan,
  asciichart.yellow,
];

/** `values` at `width` evenly spaced positions (nearest sample); shorter series hold their last value. */
function resample(values: number[], width: number, length: number): number[] {
  return Array.from({ length: width }, (_, i) => {
    const k = Math.round((i * (length - 1)) / Math.max(1, width - 1));
    return values[Math.min(k, values.length - 1)];
  });
}

/** The markers of the series in a chart without colour, in order. */
export const markers = ['*', 'o', '+', 'x', '#', '@', '%', '&'];

/**
 * Several series as markers on a grid: column i covers steps [i·L/W, (i+1)·L/W), and each series
 * puts its marker at the rows of its lowest and highest finite value there (row 0 the top).
 */
function markerChart(series: Series[], length: number, width: number, height: number): string[] {
  const finite = series.flatMap((s) => s.values.filter(Number.isFinite));
  const [lo, hi] = [minOf(finite), maxOf(finite)];
  const row = (v: number) => (hi === lo ? height - 1 : Math.round(((hi - v) / (hi - lo)) * (height - 1)));
  const grid = Array.from({ length: height }, () => new Array<string>(width).fill(' '));
  series.forEach((s, n) => {
    for (let i = 0; i < width; i++) {
      const from = Math.floor((i * length) / width);
      const to = Math.max(from + 1, Math.floor(((i + 1) * length) / width));
      const seen = s.values.slice(from, Math.min(to, s.values.length)).filter(Number.isFinite);
      if (seen.length === 0) continue;
      for (const v of [minOf(seen), maxOf(seen)]) grid[row(v)][i] = markers[n % markers.length];
    }
  });
  return grid.map((cells, r) => {
    const value = hi === lo ? lo : hi - (r * (hi - lo)) / (height - 1);
    return `${value.toPrecision(3).padStart(10)} ┤${cells.join('')}`;
  });
}

export function asciiChart(
  series: Series[],
  options: { width?: number; height?: number; yLabel?: string; xLabel?: string; color?: boolean } = {},
): string {
  const usable = series.filter((s) => s.values.some(Number.isFinite));
  if (usable.length === 0) return '(nothing finite to plot)';
  const length = maxOf(usable.map((s) => s.values.length));
  const width = Math.min(options.width ?? 64, length);
  const color = options.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR);
  const axis = `${' '.repeat(12)}${options.xLabel ?? 'step'} 0 … ${length - 1}${options.yLabel ? `    (y: ${options.yLabel})` : ''}`;
  if (!color && usable.length > 1) {
    const lines = markerChart(usable, length, width, options.height ?? 12);
    const legend = usable.map((s, i) => `${markers[i % markers.length]} ── ${s.name}`).join('   ');
    return `${lines.join('\n')}\n${axis}\n${' '.repeat(12)}${legend}`;
  }
  const data = usable.map((s) =>
    resample(
      s.values.map((v) => (Number.isFinite(v) ? v : Number.NaN)),
      width,
      length,
    ),
  );
  const finite = data.flat().filter(Number.isFinite);
  const chart = asciichart.plot(data, {
    height: options.height ?? 12,
    min: minOf(finite),
    max: maxOf(finite),
    colors: color ? usable.map((_, i) => palette[i % palette.length]) : undefined,
    format: (x) => x.toPrecision(3).padStart(10),
  });
  const legend = usable
    .map((s, i) => `${color ? palette[i % palette.length] : ''}── ${s.name}${color ? asciichart.reset : ''}`)
    .join('   ');
  return `${chart}\n${axis}\n${' '.repeat(12)}${legend}`;
}
