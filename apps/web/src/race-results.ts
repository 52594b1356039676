/**
 * The race's results as drawn: one path per racer on the contour plot, the loss chart below it with
 * its legend (pointing at a name singles that racer out), and the table of steps, evaluations and
 * final loss. The view gives it each finished race (`show`); the player draws step s (`drawStep`).
 */
import type { Problem } from '@descent/core';
import { ChartLegend } from './chart-legend.js';
import type { RaceSummary } from './compute-protocol.js';
import { LineChart } from './line-chart.js';
import { curvatures } from './race.js';
import { fillTable } from './race-table.js';
import type { Racer } from './racer-list.js';
import type { SurfacePlot } from './surface-plot.js';
import { formatNumber } from './ticks.js';

/** The iterates shown when the animation is at step s: the kept steps up to s. */
function countUpTo(steps: Int32Array, s: number): number {
  let n = 0;
  while (n < steps.length && steps[n] <= s) n++;
  return n;
}

export class RaceResults {
  readonly convergence = new LineChart(560, 260, 'iteration k');
  readonly legend = new ChartLegend('race-legend');
  /** The race shown: each row with the racer it belongs to. */
  private rows: (RaceSummary & { racer: Racer })[] = [];
  private lines: SVGPolylineElement[] = [];
  private best: number | undefined;
  private longest = 0;

  /** Puts the chart and its legend in the section's .chart-slot; `plot` is the race's contour plot. */
  constructor(
    private readonly section: HTMLElement,
    private readonly plot: SurfacePlot,
  ) {
    const { convergence, legend } = this;
    convergence.element.id = 'race-convergence';
    const chartSlot = section.querySelector<HTMLElement>('.chart-slot')!;
    chartSlot.append(convergence.element, legend.element);
    // pointing at a legend entry dims every other racer, on the plot and on the chart
    const focusStyle = document.createElement('style');
    section.append(focusStyle);
    legend.onFocus((key) => {
      const k = key === undefined ? '' : CSS.escape(key);
      focusStyle.textContent = key
        ? `#race .trajectory:not([data-method="${k}"]), #race-convergence .series:not([data-name="${k}"]) { opacity: 0.12; }`
        : '';
    });
  }

  private get table(): HTMLTableSectionElement {
    return this.section.querySelector<HTMLTableElement>('#race-results')!.tBodies[0];
  }

  clear(): void {
    this.rows = [];
    this.lines = [];
    this.plot.paths.replaceChildren();
    this.table.replaceChildren();
    this.convergence.draw([]);
    this.legend.show([]);
  }

  /** Draws the paths and the loss curves up to step s (the player calls it). */
  drawStep(s: number): void {
    const { rows, lines, plot, best } = this;
    rows.forEach((r, k) => {
      const n = countUpTo(r.trace.pathSteps, s);
      const pts: string[] = [];
      for (let j = 0; j < n; j++) {
        const [px, py] = plot.toPx(r.trace.path[2 * j], r.trace.path[2 * j + 1]);
        pts.push(`${px.toFixed(1)},${py.toFixed(1)}`);
      }
      lines[k].setAttribute('points', pts.join(' '));
    });
    this.convergence.draw(
      rows
        .filter((r) => !r.error)
        .map((r) => {
          const n = countUpTo(r.trace.curveSteps, s);
          return {
            name: r.racer.key,
            colour: r.racer.colour,
            steps: r.trace.curveSteps.subarray(0, n),
            values: Array.from(r.trace.curve.subarray(0, n), (f) =>
              best === undefined ? f : Math.log10(Math.max(f - best, 1e-17)),
            ),
          };
        }),
      { xMax: Math.max(1, this.longest) },
    );
  }

  /**
   * Shows a finished race of `ran` from x0: the table, the markers, one (empty) path per row and the
   * legend. `summaries` come in the order of the ticked racers, one each. Returns the last step
   * drawn by any racer, for the player.
   */
  show(summaries: RaceSummary[], ticked: Racer[], ran: Problem, x0: [number, number]): number {
    const { plot } = this;
    // the rows come back in the order of the entries: one per ticked racer
    const rows = summaries.map((r, k) => ({ ...r, racer: ticked[k] }));
    this.rows = rows;
    const L = curvatures(ran, x0).L;
    fillTable(this.table, rows, (r) =>
      r.trace.divergedAt !== null && r.method === 'gd' && L > 0
        ? `lr ${formatNumber(r.lr ?? Number.NaN)} is above 2/L = ${formatNumber(2 / L, 3)}: the error along the steepest direction grows by |1 − lr·L| = ${formatNumber(Math.abs(1 - (r.lr ?? 0) * L), 3)} per step`
        : '',
    );
    plot.paths.replaceChildren();
    plot.markers.replaceChildren();
    for (const m of ran.minima) plot.marker(m.x[0], m.x[1], 'minimum', `minimum f = ${formatNumber(m.f)}`);
    plot.marker(x0[0], x0[1], 'start', 'start');
    this.lines = rows.map((r) => {
      const line = plot.polyline([], r.racer.colour);
      line.dataset.method = r.racer.key;
      if (r.trace.divergedAt !== null) line.classList.add('diverged');
      return line;
    });
    this.legend.show(
      rows
        .filter((r) => !r.error)
        .map((r) => ({
          name: r.racer.key,
          label: r.racer.label,
          colour: r.racer.colour,
          note: r.trace.divergedAt !== null ? 'diverged' : undefined,
        })),
    );
    this.best = ran.minima.length > 0 ? Math.min(...ran.minima.map((m) => m.f)) : undefined;
    this.convergence.yLabel = this.best === undefined ? 'f(x_k)' : 'log₁₀(f(x_k) − f*)';
    this.longest = 0;
    for (const r of rows) {
      const last = Math.max(r.trace.pathSteps.at(-1) ?? 0, r.trace.curveSteps.at(-1) ?? 0);
      this.longest = Math.max(this.longest, last);
    }
    return this.longest;
  }
}
