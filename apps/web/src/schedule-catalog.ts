/**
 * The learning-rate schedules the page can draw, each a pure schedule of @descent/schedulers built
 * from a few parameters (the names are the library's options; `steps` is the length of the plot):
 *
 *   cosine warm restarts   η_min + ½(η_max − η_min)(1 + cos(π T_cur / T_i)),  T_i = T_0 T_mult^i
 *   one-cycle              η_max/div → η_max (first pctStart of the steps) → η_max/(div·finalDiv)
 *   step                   η_0 γ^⌊t / stepSize⌋
 *   exponential            η_0 γ^t
 *   warmup + cosine        linear from 0 to η over W steps, then cosine annealing to η_min at the end
 *   cosine                 η_min + ½(η − η_min)(1 + cos(π t / T_max))
 *   constant               η · factor for t < T, then η (PyTorch's ConstantLR)
 *   linear                 η · (start + (end − start) min(t, T)/T)
 *   polynomial             (η − η_end)(1 − min(t, T)/T)^p + η_end
 *   inverse time           η / (1 + α t / d)
 *   multi-step             η γ^(number of milestones m_i <= t), milestones at ½ and ¾ of the plot
 *   cyclic (triangular)    between η_base and η_max, up in s steps and down in s steps
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
  {
    name: 'cosine',
    label: 'Cosine annealing',
    parameters: [
      { name: 'lr', value: 0.1, label: 'η' },
      { name: 'etaMin', value: 0.001, label: 'η_min' },
    ],
    build: (p, steps) => cosine({ lr: p.lr, TMax: Math.max(1, steps - 1), etaMin: p.etaMin }),
  },
  {
    name: 'constant',
    label: 'Constant (with a lowered start)',
    parameters: [
      { name: 'lr', value: 0.1, label: 'η' },
      { name: 'factor', value: 0.3, label: 'factor' },
      { name: 'totalIters', value: 20, label: 'T' },
    ],
    build: (p) => constant({ lr: p.lr, factor: p.factor, totalIters: p.totalIters }),
  },
  {
    name: 'linear',
    label: 'Linear',
    parameters: [
      { name: 'lr', value: 0.1, label: 'η' },
      { name: 'startFactor', value: 1, label: 'start factor' },
      { name: 'endFactor', value: 0.1, label: 'end factor' },
      { name: 'totalIters', value: 80, label: 'T' },
    ],
    build: (p) =>
      linear({ lr: p.lr, startFactor: p.startFactor, endFactor: p.endFactor, totalIters: p.totalIters }),
  },
  {
    name: 'polynomial',
    label: 'Polynomial decay',
    parameters: [
      { name: 'lr', value: 0.1, label: 'η' },
      { name: 'power', value: 2, label: 'power p' },
      { name: 'endLr', value: 0.001, label: 'η_end' },
    ],
    build: (p, steps) =>
      polynomial({ lr: p.lr, totalIters: Math.max(1, steps - 1), power: p.power, endLr: p.endLr }),
  },
  {
    name: 'inverse-time',
    label: 'Inverse time',
    parameters: [
      { name: 'lr', value: 0.1, label: 'η' },
      { name: 'alpha', value: 1, label: 'α' },
      { name: 'decaySteps', value: 10, label: 'd' },
    ],
    build: (p) => inverseTime({ lr: p.lr, alpha: p.alpha, decaySteps: p.decaySteps }),
  },
  {
    name: 'multi-step',
    label: 'Multi-step',
    parameters: [
      { name: 'lr', value: 0.1, label: 'η' },
      { name: 'gamma', value: 0.3, label: 'γ' },
    ],
    build: (p, steps) =>
      multiStep({
        lr: p.lr,
        milestones: [Math.round(steps / 2), Math.round((3 * steps) / 4)],
        gamma: p.gamma,
      }),
  },
  {
    name: 'cyclic',
    label: 'Cyclic (triangular)',
    parameters: [
      { name: 'baseLr', value: 0.01, label: 'η_base' },
      { name: 'maxLr', value: 0.1, label: 'η_max' },
      { name: 'stepSizeUp', value: 20, label: 'half cycle s' },
    ],
    build: (p) =>
      cyclic({ baseLr: p.baseLr, maxLr: p.maxLr, stepSizeUp: p.stepSizeUp, stepSizeDown: p.stepSizeUp }),
  },
];
