/**
 * Schedule SPECs: a learning-rate schedule of @descent/schedulers as a short string,
 *
 *   NAME[:KEY=VALUE,KEY=VALUE,...][+warmup=W]
 *
 *   constant                         lr, factor, totalIters
 *   step:stepSize=30,gamma=0.1       η_0 γ^⌊t/stepSize⌋
 *   multi-step:milestones=30;80      η_0 γ^#{m <= t}       (lists use ';')
 *   exponential:gamma=0.95           η_0 γ^t   (or alpha=0.05: η_0 e^{-αt}; decaySteps, staircase)
 *   inverse-time:alpha=0.5           η_0 / (1 + α t)
 *   linear:startFactor=0.1,totalIters=100
 *   polynomial:totalIters=100,power=2,endLr=0
 *   cosine:TMax=100,etaMin=0         η_min + ½(η_0 - η_min)(1 + cos(π t / T_max))
 *   cosine-restarts:T0=10,TMult=2,etaMin=1e-5   SGDR (peakDecay, floorDecay)
 *   cyclic:baseLr=1e-3,maxLr=0.1,stepSizeUp=20,mode=triangular2
 *   one-cycle:maxLr=0.1,totalSteps=100,pctStart=0.3
 *
 * `lr` (maxLr for one-cycle, baseLr for cyclic) defaults to the command's --lr; TMax, totalIters
 * and totalSteps default to its --steps. `+warmup=W` puts a linear warm-up of W steps in front.
 */
import {
  constant,
  cosine,
  cosineWarmRestarts,
  cyclic,
  exponential,
  inverseTime,
  linear,
  multiStep,
  oneCycle,
  polynomial,
  type Schedule,
  step,
  warmup,
} from '@descent/schedulers';
import { UsageError, unknownNameError } from './usage-error.js';

type Kind = 'number' | 'list' | 'boolean' | 'word';
// biome-ignore lint/suspicious/noExplicitAny: each schedule has its own options type
type Factory = (options: any) => Schedule;

interface Family {
  make: Factory;
  keys: Record<string, Kind>;
  /** Option that takes --lr when the spec gives none. */
  lrKey?: string;
  /** Option that takes --steps when the spec gives none. */
  stepsKey?: string;
}

const families: Record<string, Family> = {
  constant: { make: constant, keys: { lr: 'number', factor: 'number', totalIters: 'number' }, lrKey: 'lr' },
  step: { make: step, keys: { lr: 'number', stepSize: 'number', gamma: 'number' }, lrKey: 'lr' },
  'multi-step': { make: multiStep, keys: { lr: 'number', milestones: 'list', gamma: 'number' }, lrKey: 'lr' },
  exponential: {
    make: exponential,
    keys: { lr: 'number', gamma: 'number', alpha: 'number', decaySteps: 'number', staircase: 'boolean' },
    lrKey: 'lr',
  },
  'inverse-time': {
    make: inverseTime,
    keys: { lr: 'number', alpha: 'number', decaySteps: 'number', staircase: 'boolean' },
    lrKey: 'lr',
  },
  linear: {
    make: linear,
    keys: { lr: 'number', startFactor: 'number', endFactor: 'number', totalIters: 'number' },
    lrKey: 'lr',
    stepsKey: 'totalIters',
  },
  polynomial: {
    make: polynomial,
    keys: { lr: 'number', totalIters: 'number', power: 'number', endLr: 'number' },
    lrKey: 'lr',
    stepsKey: 'totalIters',
  },
  cosine: {
    make: cosine,
    keys: { lr: 'number', TMax: 'number', etaMin: 'number' },
    lrKey: 'lr',
    stepsKey: 'TMax',
  },
  'cosine-restarts': {
    make: cosineWarmRestarts,
    keys: {
      lr: 'number',
      T0: 'number',
      TMult: 'number',
      etaMin: 'number',
      peakDecay: 'number',
      floorDecay: 'number',
    },
    lrKey: 'lr',
  },
  cyclic: {
    make: cyclic,
    keys: {
      baseLr: 'number',
      maxLr: 'number',
      stepSizeUp: 'number',
      stepSizeDown: 'number',
      mode: 'word',
      gamma: 'number',
    },
    lrKey: 'baseLr',
  },
  'one-cycle': {
    make: oneCycle,
    keys: {
      maxLr: 'number',
      totalSteps: 'number',
      pctStart: 'number',
      annealStrategy: 'word',
      divFactor: 'number',
      finalDivFactor: 'number',
      threePhase: 'boolean',
    },
    lrKey: 'maxLr',
    stepsKey: 'totalSteps',
  },
};

export const scheduleNames = Object.keys(families);

function parseValue(spec: string, key: string, kind: Kind, text: string): unknown {
  const bad = (expected: string) =>
    new UsageError(
      `Invalid value for ${key} in schedule "${spec}": ${JSON.stringify(text)} (expected ${expected})`,
    );
  if (kind === 'word') return text;
  if (kind === 'boolean') {
    if (text !== 'true' && text !== 'false') throw bad('true or false');
    return text === 'true';
  }
  if (kind === 'list') {
    return text.split(';').map((t) => {
      const x = Number(t);
      if (t.trim() === '' || !Number.isFinite(x)) throw bad('numbers separated by ;');
      return x;
    });
  }
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x)) throw bad('a number');
  return x;
}

/**
 * The option of a SPEC that --steps (train: --epochs) fills when the SPEC does not give it (TMax of
 * cosine, totalIters of linear / polynomial, totalSteps of one-cycle), or undefined when the SPEC
 * has no such horizon or states its own. A resumed run must keep such a horizon: stretched to
 * more epochs, the curve would change under the weights already trained.
 */
export function stretchedKey(spec: string): string | undefined {
  const main = spec.trim().split('+')[0];
  const colon = main.indexOf(':');
  const name = (colon < 0 ? main : main.slice(0, colon)).trim();
  const family = Object.hasOwn(families, name) ? families[name] : undefined;
  if (!family?.stepsKey) return undefined;
  const body = colon < 0 ? '' : main.slice(colon + 1);
  const keys = body.split(',').map((pair) => pair.split('=')[0].trim());
  return keys.includes(family.stepsKey) ? undefined : family.stepsKey;
}

/** The schedule a SPEC names, with --lr and --steps filling what it leaves out. */
export function parseSchedule(spec: string, defaults: { lr: number; steps: number }): Schedule {
  const [main, ...extras] = spec.trim().split('+');
  const colon = main.indexOf(':');
  const name = (colon < 0 ? main : main.slice(0, colon)).trim();
  const family = Object.hasOwn(families, name) ? families[name] : undefined;
  if (!family) throw unknownNameError('schedule', name, scheduleNames);
  const options: Record<string, unknown> = {};
  const body = colon < 0 ? '' : main.slice(colon + 1).trim();
  for (const pair of body ? body.split(',') : []) {
    const eq = pair.indexOf('=');
    const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    if (!Object.hasOwn(family.keys, key))
      throw unknownNameError('key', key, Object.keys(family.keys), `in schedule ${name}`);
    if (eq < 0) throw new UsageError(`Missing value for ${key} in schedule "${spec}" (write ${key}=VALUE)`);
    options[key] = parseValue(spec, key, family.keys[key], pair.slice(eq + 1).trim());
  }
  if (family.lrKey && options[family.lrKey] === undefined) options[family.lrKey] = defaults.lr;
  if (family.stepsKey && options[family.stepsKey] === undefined) options[family.stepsKey] = defaults.steps;
  let schedule: Schedule;
  try {
    schedule = family.make(options);
    for (const extra of extras) {
      const [key, value] = extra.split('=').map((s) => s.trim());
      if (key !== 'warmup') throw unknownNameError('modifier', key, ['warmup'], `in schedule "${spec}"`);
      schedule = warmup(schedule, {
        warmupSteps: parseValue(spec, 'warmup', 'number', value ?? '') as number,
      });
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`Invalid schedule "${spec}": ${(e as Error).message}`);
  }
  return schedule;
}
