/**
 * The learning-rate schedules the page can draw, each a pure schedule of @descent/schedulers built
 * from a few parameters (the names are the library's options; `steps` is the length of the plot):
 *
 *   cosine warm restarts   η_min + ½(η_max − η_min)(1 + cos(π T_cur / T_i)),  T_i = T_0 T_mult^i
 *   one-cycle              η_max/div → η_max (first pctStart of the steps) → η_max/(div·finalDiv)
 *   step                   η_0 γ^⌊t / stepSize⌋
 *   exponential            η_0 γ^t
 *   warmup + cosine        linear from 0 to η over W steps, then cosine annealing to η_min at the end
 */
import {
  cosine,
  cosineWarmRestarts,
  exponential,
  oneCycle,
  type Schedule,
  step,
  warmup,
} from '@descent/schedulers';

export interface ScheduleParameter {
  name: string;
  value: number;
  /** Shown beside the input. */
  label: string;
}

export interface ScheduleKind {
  name: string;
  label: string;
  parameters: ScheduleParameter[];
  /** The schedule for these parameter values over a plot of `steps` steps (throws the library's RangeError). */
  build(p: Record<string, number>, steps: number): Schedule;
}

export const scheduleKinds: ScheduleKind[] = [
  {
    name: 'cosine-warm-restarts',
    label: 'Cosine with warm restarts (SGDR)',
    parameters: [
      { name: 'lr', value: 0.1, label: 'η_max' },
      { name: 'T0', value: 10, label: 'T₀' },
      { name: 'TMult', value: 2, label: 'T_mult' },
      { name: 'etaMin', value: 0.001, label: 'η_min' },
      { name: 'peakDecay', value: 0.8, label: 'peak decay' },
    ],
    build: (p) =>
      cosineWarmRestarts({ lr: p.lr, T0: p.T0, TMult: p.TMult, etaMin: p.etaMin, peakDecay: p.peakDecay }),
  },
  {
    name: 'one-cycle',
    label: 'One-cycle',
    parameters: [
      { name: 'maxLr', value: 0.1, label: 'η_max' },
      { name: 'pctStart', value: 0.3, label: 'rising fraction' },
      { name: 'divFactor', value: 25, label: 'div factor' },
      { name: 'finalDivFactor', value: 10000, label: 'final div factor' },
    ],
    build: (p, steps) =>
      oneCycle({
        maxLr: p.maxLr,
        totalSteps: steps,
        pctStart: p.pctStart,
        divFactor: p.divFactor,
        finalDivFactor: p.finalDivFactor,
      }),
  },
  {
    name: 'step',
    label: 'Step decay',
    parameters: [
      { name: 'lr', value: 0.1, label: 'η₀' },
      { name: 'stepSize', value: 25, label: 'step size' },
      { name: 'gamma', value: 0.5, label: 'γ' },
    ],
    build: (p) => step({ lr: p.lr, stepSize: p.stepSize, gamma: p.gamma }),
  },
  {
    name: 'exponential',
    label: 'Exponential decay',
    parameters: [
      { name: 'lr', value: 0.1, label: 'η₀' },
      { name: 'gamma', value: 0.97, label: 'γ' },
    ],
    build: (p) => exponential({ lr: p.lr, gamma: p.gamma }),
  },
  {
    name: 'warmup-cosine',
    label: 'Linear warm-up + cosine',
    parameters: [
      { name: 'lr', value: 0.1, label: 'η' },
      { name: 'warmupSteps', value: 10, label: 'warm-up steps W' },
      { name: 'etaMin', value: 0, label: 'η_min' },
    ],
    build: (p, steps) =>
      warmup(cosine({ lr: p.lr, TMax: Math.max(1, steps - 1 - p.warmupSteps), etaMin: p.etaMin }), {
        warmupSteps: p.warmupSteps,
      }),
  },
];
