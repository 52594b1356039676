/**
 * Terminal line charts (asciichart): several series on one set of axes, resampled to a fixed
 * width, with a legend. Colours only when stdout is a terminal.
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

export function asciiChart(
  series: Series[],
  options: { width?: number; height?: number; yLabel?: string; xLabel?: string } = {},
): string {
  const usable = series.filter((s) => s.values.some(Number.isFinite));
  if (usable.length === 0) return '(nothing finite to plot)';
  const length = maxOf(usable.map((s) => s.values.length));
  const width = Math.min(options.width ?? 64, length);
  const color = process.stdout.isTTY === true;
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
  const axis = `${' '.repeat(12)}${options.xLabel ?? 'step'} 0 … ${length - 1}${options.yLabel ? `    (y: ${options.yLabel})` : ''}`;
  return `${chart}\n${axis}\n${' '.repeat(12)}${legend}`;
}
