/**
 * Timing several sides of one case fairly on a shared, busy machine: `rounds` rounds, each timing
 * every side once with the harness's `time` (median of its samples), in turn; each side keeps its
 * best round. A load spike then costs every side a round, not one side the race.
 */
import { type Timing, time } from './harness.js';

export interface Contender {
  name: string;
  fn: () => unknown | Promise<unknown>;
}

export async function timeInterleaved(
  contenders: readonly Contender[],
  { rounds = 3, samples = 5, minBatch = 0.05, warmup = 2 } = {},
): Promise<Timing[]> {
  const best: Timing[] = contenders.map((c) => ({ name: c.name, seconds: Number.POSITIVE_INFINITY }));
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of contenders.entries()) {
      const t = await time(c.name, c.fn, { samples, minBatch, warmup: r === 0 ? warmup : 1 });
      if (t.seconds < best[i].seconds) best[i] = t;
    }
  }
  return best;
}
