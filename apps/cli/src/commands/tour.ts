/**
 * `descent tour` (the README's first command): on built-in problems, in about a minute,
 *   1. races optimizers on the notes' ill-conditioned quadratic and on Rosenbrock (table + chart),
 *   2. classifies the critical points of x^2 - y^2 and Himmelblau's function,
 *   3. plots SGDR's warm-restart schedule,
 *   4. trains a small MLP on the digits with a progress bar, ending with the test accuracy,
 * and writes the same figures to an HTML report, saying where.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findCriticalPoints, getProblem, type Problem } from '@descent/core';
import { sample } from '@descent/schedulers';
import type { Command } from 'commander';
import { z } from 'zod';
import { asciiChart } from '../charts/ascii.js';
import { lineChartSpec, renderContourSvg, renderSvg } from '../charts/svg.js';
import { checkWritable, writeFileAtomic } from '../options/output-file.js';
import { parseSchedule } from '../options/schedule-spec.js';
import { common, readSettings, withCommonOptions } from '../options/settings.js';
import { lossLines, lossSeries, race, raceHead, raceJson, raceRows } from '../race/race.js';
import type { Trajectory } from '../race/trajectory.js';
import { type ReportSection, renderHtml } from '../report/html.js';
import { type Cell, renderTable } from '../report/table.js';
import { progressHooks } from '../training/progress.js';
import { type TrainSettings, train } from '../training/session.js';

const racers = ['gd', 'momentum', 'nesterov', 'adam', 'lbfgs', 'newton'];
const restartSpec = 'cosine-restarts:T0=10,TMult=2,etaMin=1e-5';

const digitsRun: TrainSettings = {
  data: 'digits',
  layers: [64],
  activation: 'relu',
  optimizer: 'adamw',
  lr: 2e-3,
  epochs: 8,
  batchSize: 32,
  seed: 0,
  testFraction: 0.2,
};

const schema = z.object({ ...common, report: z.string().optional() });

interface RaceOutcome {
  problem: Problem;
  trajectories: Trajectory[];
}

/**
 * The race on a zoo problem; `sgdLr` overrides the automatic rate of gd, momentum and nesterov.
 * Adam runs at 0.01 x the box's widest side (steps of about that size per coordinate), not at
 * torch's 1e-3, which would barely move in the tour's few hundred steps.
 */
function raceOn(name: string, steps: number, sgdLr?: number): RaceOutcome {
  const problem = getProblem(name);
  const spec = { steps, gtol: 1e-8, tol: 1e-6 };
  const adamLr = 0.01 * Math.max(...problem.domain.map(([lo, hi]) => hi - lo));
  const trajectories = racers.map(
    (optimizer) =>
      race(problem, problem.x0, [optimizer], {
        ...spec,
        lr:
          optimizer === 'adam'
            ? adamLr
            : ['gd', 'momentum', 'nesterov'].includes(optimizer)
              ? sgdLr
              : undefined,
      })[0],
  );
  return { problem, trajectories };
}

interface ClassifiedPoint {
  function: string;
  x: number[];
  f: number;
  eigenvalues: number[];
  kind: string;
}

function criticalPointsOf(name: string): ClassifiedPoint[] {
  return findCriticalPoints(getProblem(name)).map((p) => ({
    function: name,
    x: Array.from(p.x),
    f: p.f,
    eigenvalues: Array.from(p.eigenvalues),
    kind: p.kind,
  }));
}

function criticalRow(p: ClassifiedPoint): Cell[] {
  const show = (v: number[], digits: number) => `(${v.map((e) => Number(e.toPrecision(digits))).join(', ')})`;
  return [p.function, show(p.x, 5), p.f, show(p.eigenvalues, 4), p.kind];
}

export function registerTour(program: Command): void {
  const cmd = program
    .command('tour')
    .description('a one-minute tour: races, critical points, a schedule, and an HTML report')
    .option(
      '--report <file>',
      'where to write the HTML report (default: descent-tour.html in the temp directory)',
    );
  withCommonOptions(cmd)
    .addHelpText('after', '\nExample:\n  $ descent tour --report tour.html')
    .action(async () => {
      const s = readSettings(cmd, schema);
      if (s.report !== undefined) checkWritable(s.report, '--report');
      const say = (text: string) => {
        if (!s.json) console.log(text);
      };
      const started = performance.now();
      const sections: ReportSection[] = [];
      // eta = 0.3 on the valley: 1 - 0.3 * 4 < 0, so x2 flips sign every step (the notes' zig-zag),
      // below Nesterov's stability limit (1.36 / L with momentum 0.9)
      const races = [raceOn('ill-conditioned', 500, 0.3), raceOn('rosenbrock', 3000)];
      for (const { problem, trajectories } of races) {
        const title = `${problem.name}: ${problem.description ?? ''}`;
        say(
          `\n${title}\nfrom (${Array.from(problem.x0).join(', ')}); steps to tol = first step with f - f* <= 1e-6`,
        );
        say(renderTable(raceHead, raceRows(trajectories)));
        if (!s.quiet) say(asciiChart(lossSeries(problem, trajectories), { yLabel: 'log10(f - f*)' }));
        sections.push({
          title,
          table: { head: raceHead, rows: raceRows(trajectories) },
          figures: [
            await renderSvg(
              lineChartSpec(`${problem.name}: f - f* by step`, lossLines(problem, trajectories), {
                x: 'step',
                y: 'f - f*',
                logY: true,
              }),
            ),
            await renderContourSvg(
              `${problem.name}: paths`,
              problem,
              trajectories.map((t) => ({ name: t.optimizer, points: t.path })),
            ),
          ],
        });
      }

      const points = [...criticalPointsOf('saddle'), ...criticalPointsOf('himmelblau')];
      const critical = points.map(criticalRow);
      const criticalHead = ['function', 'critical point', 'f', 'Hessian eigenvalues', 'kind'];
      say('\nCritical points of x^2 - y^2 and Himmelblau, classified by the Hessian eigenvalues');
      say(renderTable(criticalHead, critical));
      sections.push({ title: 'Critical points', table: { head: criticalHead, rows: critical } });

      const curve = Array.from(sample(parseSchedule(restartSpec, { lr: 0.1, steps: 150 }), 150));
      say(`\nWarm restarts: ${restartSpec}, lr = 0.1, 150 steps`);
      if (!s.quiet) say(asciiChart([{ name: 'lr', values: curve }], { yLabel: 'learning rate' }));
      sections.push({
        title: `Warm restarts: ${restartSpec}`,
        figures: [
          await renderSvg(
            lineChartSpec(restartSpec, [{ name: 'lr', x: curve.map((_, t) => t), y: curve }], {
              x: 'step',
              y: 'learning rate',
            }),
          ),
        ],
      });

      say(`\nAn MLP 64-64-10 (ReLU, AdamW lr ${digitsRun.lr}) on the 8x8 digits, ${digitsRun.epochs} epochs`);
      const progress = progressHooks(Boolean(s.quiet || s.json));
      const trained = await train({ ...digitsRun, seed: s.seed ?? 0 }, progress).finally(() =>
        progress.stop(),
      );
      trained.model.free();
      const accuracy = trained.test.accuracy ?? Number.NaN;
      say(`test accuracy ${(100 * accuracy).toFixed(2)}% on ${trained.rows.test} held-out digits`);
      const epochsAxis = trained.history.map((h) => h.epoch + 1);
      sections.push({
        title: 'An MLP on the digits',
        text: `64-64-10, ReLU, AdamW (lr ${digitsRun.lr}), batch 32, ${digitsRun.epochs} epochs: test accuracy ${(100 * accuracy).toFixed(2)}%.`,
        figures: [
          await renderSvg(
            lineChartSpec(
              'digits: training accuracy and loss by epoch',
              [
                {
                  name: 'train accuracy',
                  x: epochsAxis,
                  y: trained.history.map((h) => h.accuracy ?? Number.NaN),
                },
                { name: 'train loss', x: epochsAxis, y: trained.history.map((h) => h.loss) },
              ],
              { x: 'epoch', y: 'value' },
            ),
          ),
        ],
      });

      const report = s.report ?? join(tmpdir(), 'descent-tour.html');
      writeFileAtomic(report, renderHtml('descent tour', sections));
      const seconds = (performance.now() - started) / 1000;
      if (s.json) {
        console.log(
          JSON.stringify(
            {
              races: races.map(({ problem, trajectories }) => ({
                problem: problem.name,
                results: raceJson(trajectories),
              })),
              criticalPoints: points,
              schedule: { spec: restartSpec, lr: curve },
              digits: { testAccuracy: accuracy, testLoss: trained.test.loss, history: trained.history },
              report,
              seconds,
            },
            null,
            2,
          ),
        );
      } else {
        say(`\nReport with the same figures: ${report}   (${seconds.toFixed(1)} s)`);
      }
    });
}
