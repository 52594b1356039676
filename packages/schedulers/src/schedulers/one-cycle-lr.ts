import { annealCos, annealLinear, oneCyclePhaseEnds } from '../schedules/one-cycle.js';
import {
  checkBoolean,
  checkInRange,
  checkNonNegative,
  checkOneOf,
  checkOptions,
  checkPositive,
  invalid,
  perGroup,
} from '../validate.js';
import { checkLastEpoch, checkOptimizer, LRScheduler, type SchedulableOptimizer } from './lr-scheduler.js';
import { momentumTargets, writeMomentum } from './momentum.js';

export interface OneCycleLROptions {
  /** The peak rate (per group, or one for all). */
  maxLr: number | number[];
  /** Steps in the cycle; or give epochs and stepsPerEpoch. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the rate, in [0, 1]. Default 0.3. */
  pctStart?: number;
  /** 'cos' or 'linear' annealing. Default 'cos'. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (SGD, RMSprop) or β1 (Adam family) inversely to the rate. Default true. */
  cycleMomentum?: boolean;
  /** Momentum at the peak rate. Default 0.85. */
  baseMomentum?: number | number[];
  /** Momentum at the start and end. Default 0.95. */
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Three phases (up, down to initialLr, down to minLr) as in the paper. Default false (fastai). */
  threePhase?: boolean;
  lastEpoch?: number;
}

interface Phase {
  endStep: number;
  startLr: string;
  endLr: string;
  startMomentum: string;
  endMomentum: string;
}

/**
 * OneCycleLR (torch.optim.lr_scheduler.OneCycleLR; Smith & Topin, "Super-Convergence", 2018).
 *
 *   η_initial = η_max / divFactor,   η_min = η_initial / finalDivFactor,   N = totalSteps, p = pctStart
 *   two phases (default, fastai):   steps 0 .. pN-1:   η_initial → η_max,  m_max → m_base
 *                                   then .. N-1:        η_max → η_min,      m_base → m_max
 *   three phases (the paper):       0 .. pN-1: η_initial → η_max;  .. 2pN-2: η_max → η_initial;
 *                                   .. N-1: η_initial → η_min  (momentum mirrored, then held at m_max)
 *   within a phase [a, b]: value = anneal(start, end, (t - a) / (b - a)), anneal = annealCos or annealLinear
 *
 * Records `initialLr`, `maxLr`, `minLr` (and `maxMomentum`, `baseMomentum`) in each group, as torch
 * does; momentum goes to `momentum`, or to `betas[0]` for Adam-family groups. Stepping past
 * totalSteps throws (and changes nothing).
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly phases: Phase[];
  readonly annealStrategy: 'cos' | 'linear';
  readonly cycleMomentum: boolean;
  readonly useBeta1: boolean[];

  constructor(optimizer: SchedulableOptimizer, options: OneCycleLROptions) {
    checkOptions('OneCycleLR', options, [
      'maxLr',
      'totalSteps',
      'epochs',
      'stepsPerEpoch',
      'pctStart',
      'annealStrategy',
      'cycleMomentum',
      'baseMomentum',
      'maxMomentum',
      'divFactor',
      'finalDivFactor',
      'threePhase',
      'lastEpoch',
    ]);
    const n = checkOptimizer(optimizer).paramGroups.length;
    const lastEpoch = checkLastEpoch(optimizer, options.lastEpoch ?? -1);
    const totalSteps = oneCycleTotalSteps(options);
    const pctStart = checkInRange('pctStart', options.pctStart ?? 0.3, 0, 1);
    const annealStrategy = checkOneOf('annealStrategy', options.annealStrategy ?? 'cos', [
      'cos',
      'linear',
    ] as const);
    const maxLrs = perGroup('maxLr', options.maxLr, n, checkNonNegative);
    const divFactor = checkPositive('divFactor', options.divFactor ?? 25);
    const finalDivFactor = checkPositive('finalDivFactor', options.finalDivFactor ?? 1e4);
    const threePhase = checkBoolean('threePhase', options.threePhase ?? false);
    const ends = oneCyclePhaseEnds(totalSteps, pctStart, threePhase);
    const cycleMomentum = checkBoolean('cycleMomentum', options.cycleMomentum ?? true);
    const maxMomentums = perGroup('maxMomentum', options.maxMomentum ?? 0.95, n, checkNonNegative);
    const baseMomentums = perGroup('baseMomentum', options.baseMomentum ?? 0.85, n, checkNonNegative);
    const useBeta1 = cycleMomentum ? momentumTargets(optimizer, 'cycleMomentum') : [];
    if (lastEpoch !== -1) {
      const needed = ['maxLr', 'minLr', ...(cycleMomentum ? ['maxMomentum', 'baseMomentum'] : [])];
      optimizer.paramGroups.forEach((g, i) => {
        for (const key of needed) {
          if (typeof g[key] !== 'number') {
            throw invalid(
              'lastEpoch',
              lastEpoch,
              `resuming needs paramGroups[${i}].${key}, which is not set`,
            );
          }
        }
      });
    }

    super(optimizer, lastEpoch, () => {
      if (lastEpoch !== -1) return;
      optimizer.paramGroups.forEach((g, i) => {
        const initialLr = maxLrs[i] / divFactor;
        g.initialLr = initialLr;
        g.maxLr = maxLrs[i];
        g.minLr = initialLr / finalDivFactor;
        if (!cycleMomentum) return;
        writeMomentum(g, useBeta1[i], maxMomentums[i]);
        g.maxMomentum = maxMomentums[i];
        g.baseMomentum = baseMomentums[i];
      });
    });
    this.totalSteps = totalSteps;
    this.phases = threePhase
      ? [
          phase(ends[0], 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum'),
          phase(ends[1], 'maxLr', 'initialLr', 'baseMomentum', 'maxMomentum'),
          phase(ends[2], 'initialLr', 'minLr', 'maxMomentum', 'maxMomentum'),
        ]
      : [
          phase(ends[0], 'initialLr', 'maxLr', 'maxMomentum', 'baseMomentum'),
          phase(ends[1], 'maxLr', 'minLr', 'baseMomentum', 'maxMomentum'),
        ];
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = useBeta1;
    this.initialStep();
  }

  /** Throws, changing nothing, when the step would go past totalSteps. */
  override step(epoch?: number): void {
    const next = epoch ?? this.lastEpoch + 1;
    if (next > this.totalSteps) {
      throw new RangeError(`OneCycleLR: tried to step ${next} times, but totalSteps is ${this.totalSteps}`);
    }
    super.step(epoch);
  }

  protected computeLr(): number[] {
    const anneal = this.annealStrategy === 'cos' ? annealCos : annealLinear;
    const t = this.lastEpoch;
    const last = this.phases.length - 1;
    return this.optimizer.paramGroups.map((g, gi) => {
      let start = 0;
      for (let i = 0; i <= last; i++) {
        const p = this.phases[i];
        if (t <= p.endStep || i === last) {
          const pct = (t - start) / (p.endStep - start);
          if (this.cycleMomentum) {
            const m = anneal(g[p.startMomentum] as number, g[p.endMomentum] as number, pct);
            writeMomentum(g, this.useBeta1[gi], m);
          }
          return anneal(g[p.startLr] as number, g[p.endLr] as number, pct);
        }
        start = p.endStep;
      }
      throw new Error('unreachable');
    });
  }
}

function phase(
  endStep: number,
  startLr: string,
  endLr: string,
  startMomentum: string,
  endMomentum: string,
): Phase {
  return { endStep, startLr, endLr, startMomentum, endMomentum };
}

function oneCycleTotalSteps(options: OneCycleLROptions): number {
  const { totalSteps, epochs, stepsPerEpoch } = options;
  const isPositiveInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;
  if (totalSteps !== undefined) {
    if (!isPositiveInt(totalSteps)) throw invalid('totalSteps', totalSteps, 'a positive integer');
    return totalSteps;
  }
  if (epochs === undefined || stepsPerEpoch === undefined) {
    throw invalid('totalSteps', totalSteps, 'a positive integer, or both epochs and stepsPerEpoch');
  }
  if (!isPositiveInt(epochs)) throw invalid('epochs', epochs, 'a positive integer');
  if (!isPositiveInt(stepsPerEpoch)) throw invalid('stepsPerEpoch', stepsPerEpoch, 'a positive integer');
  return epochs * stepsPerEpoch;
}
