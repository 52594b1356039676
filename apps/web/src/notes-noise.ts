/**
 * The noise race (the notes: improving SGD by reducing noise): the page's side of core's
 * `noiseRace` (variance-reduction/noise-race.ts says what runs and how passes are counted): SGD,
 * SAGA, SVRG and a growing batch at one fixed step η on iris logistic regression, f − f* against
 * the passes over the data, each with a short name and a colour for the chart.
 */
import {
  type NoiseRaceResult as CoreResult,
  noiseRace as coreNoiseRace,
  type NoiseRaceRun,
} from '@descent/core';

/** One of core's runs, under the page's short name, with its colour. */
export type NoiseRun = Omit<NoiseRaceRun, 'name'> & { name: string; colour: string };

/** Core's result with the page's runs. */
export type NoiseRaceResult = Omit<CoreResult, 'runs'> & { runs: NoiseRun[] };

/** Short names and colours, in the order of core's runs. */
const shown: [string, string][] = [
  ['SGD', '#c92a2a'],
  ['SAGA', '#1971c2'],
  ['SVRG', '#2f9e44'],
  ['growing batch', '#e67700'],
];

/** The race at step `lr` within `passes` passes over the data (a RangeError naming a bad value). */
export function noiseRace(lr = 1, passes = 40): NoiseRaceResult {
  const r = coreNoiseRace({ lr, passes });
  return { ...r, runs: r.runs.map((run, i) => ({ ...run, name: shown[i][0], colour: shown[i][1] })) };
}
