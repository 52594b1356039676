/**
 * `pnpm --filter @descent/bench digits-epochs`: epochs to 97% held-out test accuracy on UCI
 * digits for Adam, AdamW, schedule-free AdamW, Prodigy, SOAP and Lion (issue 18's benchmark).
 *
 * Everything but the optimizer is shared: @descent/mlp's 64-128-128-10 ReLU MLP (f32, torch's
 * init from the run's seed), its `fit()` with batch 32 and a reshuffle per epoch (from the same
 * seed), mean softmax cross-entropy, the fixed 80/20 split of digits (seed 0, 1437 train / 360
 * test rows) standardized on the training part.
 *
 *   1. The learning rate: each optimizer tries five rates, its authors' default times 0.3, 1,
 *      3, 10 and 30 (mostly upward: the defaults are set for larger models), once, seed 0,
 *      training on 80% of the training part and scoring on the other 20% (a validation split
 *      drawn with seed 1; the test rows are never seen). The rate that reaches 97% validation
 *      accuracy in the fewest epochs wins; ties, and rates that never reach it, go to the best
 *      validation accuracy seen. Once a rate has reached 97% at epoch k, the later ones stop
 *      after epoch k (they can no longer win).
 *   2. The table: at that rate, seeds 0..4 on the whole training part, up to CAP epochs each,
 *      the test accuracy taken after every epoch, stopping at the first epoch >= 97%. Median
 *      over the seeds (a seed that never reaches 97% counts as "never"; when 3 of 5 never do, the
 *      median is "not reached in CAP epochs"). Wall time per epoch = the fit() time only.
 *
 * Schedule-free AdamW trains at y and is evaluated at x: `eval()` before every evaluation,
 * `train()` after it, as its authors prescribe. Every other option is the optimizer's default
 * (AdamW and SOAP decay weights by 1e-2), except that schedule-free warms up over 50 steps,
 * about one epoch (its default is no warmup; its authors advise one).
 * fit() is called one epoch at a time with the same optimizer (`initialEpoch: e, epochs: e + 1`),
 * which continues training exactly as one long call would.
 */
import { Adam, AdamW, Lion, type Param, Prodigy, ScheduleFreeAdamW, SOAP } from '@descent/core';
import { type Dataset, digits, evaluate, fit, mlp, standardize, trainTestSplit } from '@descent/mlp';

const SIZES = [64, 128, 128, 10];
const BATCH = 32;
const TARGET = 0.97;
/** The epoch cap, 30 unless DIGITS_EPOCHS_CAP says otherwise. */
const CAP = Number(process.env.DIGITS_EPOCHS_CAP ?? 30);
if (!Number.isInteger(CAP) || CAP < 1) {
  throw new RangeError(
    `Invalid DIGITS_EPOCHS_CAP: ${process.env.DIGITS_EPOCHS_CAP} (expected an integer >= 1)`,
  );
}
const SEEDS = [0, 1, 2, 3, 4];
/** The search grid, as multiples of each optimizer's default rate: half-decades, mostly upward. */
const GRID = [0.3, 1, 3, 10, 30];

interface Candidate {
  name: string;
  /** the optimizer's default rate (its authors'); the grid is GRID times it */
  lr: number;
  make(params: Param[], lr: number): Opt;
}
type Opt = (Adam | AdamW | ScheduleFreeAdamW | Prodigy | SOAP | Lion) & { eval?(): void; train?(): void };

const CANDIDATES: Candidate[] = [
  { name: 'Adam', lr: 1e-3, make: (ps, lr) => new Adam(ps, { lr }) },
  { name: 'AdamW', lr: 1e-3, make: (ps, lr) => new AdamW(ps, { lr }) },
  {
    name: 'ScheduleFreeAdamW',
    lr: 2.5e-3,
    make: (ps, lr) => new ScheduleFreeAdamW(ps, { lr, warmupSteps: 50 }),
  },
  { name: 'Prodigy', lr: 1, make: (ps, lr) => new Prodigy(ps, { lr }) },
  { name: 'SOAP', lr: 3e-3, make: (ps, lr) => new SOAP(ps, { lr }) },
  { name: 'Lion', lr: 1e-4, make: (ps, lr) => new Lion(ps, { lr }) },
];

function standardized(train: Dataset, held: Dataset) {
  const {
    train: tr,
    others: [te],
  } = standardize(train, held);
  return { tr, te };
}

const split = trainTestSplit(digits(), { testFraction: 0.2, seed: 0 });
const full = standardized(split.train, split.test);
const inner = trainTestSplit(split.train, { testFraction: 0.2, seed: 1 });
const search = standardized(inner.train, inner.test);

interface Run {
  /** the first epoch (1-based) whose held-out accuracy is >= TARGET, or undefined */
  reached: number | undefined;
  best: number;
  epochs: number;
  fitSeconds: number;
}

/** Train one seed up to `cap` epochs, scoring `held` after each; stop at the first epoch >= TARGET. */
function train(c: Candidate, lr: number, seed: number, tr: Dataset, held: Dataset, cap = CAP): Run {
  const model = mlp({ sizes: SIZES, activation: 'relu', seed });
  const opt = c.make(model.parameters(), lr);
  const run: Run = { reached: undefined, best: 0, epochs: 0, fitSeconds: 0 };
  try {
    for (let e = 0; e < cap; e++) {
      const t0 = performance.now();
      const r = fit(model, tr, { optimizer: opt, epochs: e + 1, initialEpoch: e, batchSize: BATCH, seed });
      run.fitSeconds += (performance.now() - t0) / 1000;
      run.epochs = e + 1;
      if (r.stopReason === 'diverged') break;
      opt.eval?.();
      const acc = evaluate(model, held).accuracy as number;
      opt.train?.();
      run.best = Math.max(run.best, acc);
      if (acc >= TARGET) {
        run.reached = e + 1;
        break;
      }
    }
  } finally {
    model.free();
  }
  return run;
}

/** Smaller is better: epochs to TARGET (never = CAP + 1), then the best accuracy seen. */
const score = (r: Run) => (r.reached ?? CAP + 1) - r.best;

/**
 * The grid's rates, the default first; once a rate has reached TARGET at epoch k, later ones
 * stop after epoch k (they can no longer win), which keeps SOAP's slow epochs few.
 */
function chooseLr(c: Candidate): { lr: number; trials: string } {
  const order = [1, ...GRID.filter((f) => f !== 1)].map((f) => Number((f * c.lr).toPrecision(2)));
  const trials: { lr: number; run: Run }[] = [];
  let cap = CAP;
  for (const lr of order) {
    const run = train(c, lr, 0, search.tr, search.te, cap);
    trials.push({ lr, run });
    cap = Math.min(cap, run.reached ?? cap);
  }
  const best = trials.reduce((a, b) => (score(b.run) < score(a.run) ? b : a));
  const text = trials
    .sort((a, b) => a.lr - b.lr)
    .map(({ lr, run }) => `${lr}: ${run.reached ?? `>${run.epochs}`} (${(100 * run.best).toFixed(1)}%)`)
    .join(', ');
  return { lr: best.lr, trials: text };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

const started = performance.now();
console.log(
  `digits ${SIZES.join('-')} ReLU, batch ${BATCH}, f32; ${full.tr.n} train / ${full.te.n} test rows; ` +
    `target ${100 * TARGET}% test accuracy, cap ${CAP} epochs, seeds ${SEEDS.join(',')}`,
);
const rows: string[] = [];
for (const c of CANDIDATES) {
  const { lr, trials } = chooseLr(c);
  console.log(`${c.name} lr search (validation, seed 0; epochs to ${100 * TARGET}%, best acc): ${trials}`);
  const runs = SEEDS.map((seed) => train(c, lr, seed, full.tr, full.te));
  const epochs = runs.map((r) => r.reached ?? Number.POSITIVE_INFINITY);
  const m = median(epochs);
  const reached = runs.filter((r) => r.reached !== undefined).length;
  const msPerEpoch =
    (1000 * runs.reduce((s, r) => s + r.fitSeconds, 0)) / runs.reduce((s, r) => s + r.epochs, 0);
  const medianText = Number.isFinite(m) ? String(m) : `not reached in ${CAP}`;
  const perSeed = runs.map((r) => r.reached ?? `— (${(100 * r.best).toFixed(1)}%)`).join(', ');
  rows.push(
    `| ${c.name} | ${lr} | ${medianText} | ${reached}/${SEEDS.length} | ${perSeed} | ${msPerEpoch.toFixed(0)} |`,
  );
  console.log(rows[rows.length - 1]);
}
console.log(
  `\n| optimizer | lr (searched) | median epochs to ${100 * TARGET}% | seeds reaching it | epochs per seed (— = not reached: best test acc) | ms / epoch |`,
);
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
console.log(`\n(total ${((performance.now() - started) / 1000).toFixed(0)} s)`);
