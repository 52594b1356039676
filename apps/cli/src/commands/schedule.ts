/** `descent schedule SPEC`: a learning-rate schedule's curve as a terminal chart, CSV or SVG. */
import { sample } from '@descent/schedulers';
import type { Command } from 'commander';
import { z } from 'zod';
import { asciiChart } from '../charts/ascii.js';
import { lineChartSpec, renderSvg } from '../charts/svg.js';
import { checkWritable, writeFileAtomic } from '../options/output-file.js';
import { parseSchedule } from '../options/schedule-spec.js';
import { choice, common, int, num, readSettings, withCommonOptions } from '../options/settings.js';
import { UsageError } from '../options/usage-error.js';
import { renderCsv } from '../report/table.js';

const schema = z.object({
  ...common,
  spec: z.string().optional(),
  steps: int('steps', 1).optional(),
  lr: num('lr').optional(),
  format: choice('format', ['chart', 'csv', 'svg'] as const).optional(),
  out: z.string().optional(),
});

/** What schedule does when a flag is not given (its --help says the same; main.test checks). */
export const scheduleDefaults = { steps: 100, lr: 0.1, format: 'chart' as const };

export function registerSchedule(program: Command): void {
  const cmd = program
    .command('schedule')
    .argument('[spec]', 'the schedule, e.g. cosine-restarts:T0=10,TMult=2,etaMin=1e-5')
    .description('plot a learning-rate schedule: terminal chart, CSV or SVG')
    .option('--steps <n>', `steps to plot (default ${scheduleDefaults.steps})`)
    .option('--lr <eta>', `the base rate when the SPEC gives none (default ${scheduleDefaults.lr})`)
    .option('--format <f>', `chart, csv or svg (default ${scheduleDefaults.format})`)
    .option('--out <file>', 'write the CSV/SVG to a file');
  withCommonOptions(cmd)
    .addHelpText(
      'after',
      `
SPEC is NAME[:KEY=VALUE,...][+warmup=W] (lists use ';'):
  constant[:factor=0.5,totalIters=5]       step:stepSize=30,gamma=0.1
  multi-step:milestones=30;80,gamma=0.1    exponential:gamma=0.95 (or alpha=0.05; decaySteps, staircase)
  inverse-time:alpha=0.5                   linear:startFactor=0.1,totalIters=100
  polynomial:totalIters=100,power=2        cosine:TMax=100,etaMin=0
  cosine-restarts:T0=10,TMult=2,etaMin=1e-5 (peakDecay, floorDecay)
  cyclic:baseLr=1e-3,maxLr=0.1,stepSizeUp=20,mode=triangular2
  one-cycle:maxLr=0.1,totalSteps=100,pctStart=0.3
lr (maxLr, baseLr) defaults to --lr; TMax, totalIters, totalSteps default to --steps.

Examples:
  $ descent schedule cosine-restarts:T0=10,TMult=2,etaMin=1e-5 --steps 150
  $ descent schedule "one-cycle:maxLr=0.1+warmup=5" --steps 100 --format svg --out lr.svg`,
    )
    .action(async (specArg: string | undefined) => {
      const s = readSettings(cmd, schema);
      if (s.out !== undefined) checkWritable(s.out, '--out');
      const spec = specArg ?? s.spec;
      if (spec === undefined) throw new UsageError('Missing schedule SPEC (see descent schedule --help)');
      const steps = s.steps ?? scheduleDefaults.steps;
      const curve = Array.from(
        sample(parseSchedule(spec, { lr: s.lr ?? scheduleDefaults.lr, steps }), steps),
      );
      const format = s.format ?? scheduleDefaults.format;
      if (s.json) {
        console.log(JSON.stringify({ spec, steps, lr: curve }, null, 2));
        return;
      }
      let text: string;
      if (format === 'csv')
        text = renderCsv(
          ['step', 'lr'],
          curve.map((v, t) => [t, v]),
        );
      else if (format === 'svg') {
        text = await renderSvg(
          lineChartSpec(spec, [{ name: 'lr', x: curve.map((_, t) => t), y: curve }], {
            x: 'step',
            y: 'learning rate',
          }),
        );
      } else
        text = `${s.quiet ? '' : `${spec}\n`}${asciiChart([{ name: 'lr', values: curve }], { yLabel: 'learning rate' })}\n`;
      if (s.out !== undefined) {
        writeFileAtomic(s.out, text);
        if (!s.quiet) console.log(`wrote ${s.out}`);
      } else process.stdout.write(text);
    });
}
