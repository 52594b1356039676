/**
 * Sharpness of the minimum each optimizer found (the notes: a good minimum is flat and wide, not a
 * sharp pit): the page's side of mlp's `sharpnessComparison` (flat-minima-experiment.ts says what
 * is trained and measured: λ_max and the trace of the training loss's Hessian at each minimum).
 */
import { sharpnessComparison, sharpnessComparisonTarget } from '@descent/mlp';

export interface SharpnessRow {
  name: string;
  colour: string;
  steps: number;
  loss: number;
  reached: boolean;
  lambdaMax: number;
  trace: number;
}

export const sharpnessTarget = sharpnessComparisonTarget;

/** Short bar labels and colours, in the order of mlp's runs (SGD, GD, GD + SAM, Adam). */
const bars: [string, string][] = [
  ['SGD, batch 16', '#e67700'],
  ['GD, full batch', '#c92a2a'],
  ['SAM (GD, ρ = 1)', '#1971c2'],
  ['Adam, batch 16', '#7048e8'],
];

/** mlp's flat-minima experiment (`sharpnessComparison`), with a short label and a colour per run. */
export function sharpnessRace(): SharpnessRow[] {
  return sharpnessComparison().map((row, i) => ({ ...row, name: bars[i][0], colour: bars[i][1] }));
}
