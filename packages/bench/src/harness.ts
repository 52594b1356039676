/**
 * The benchmark harness: time a function, run peers side by side in one process, print ratios.
 * Targets are ratios measured in the same run, never absolute times.
 */

export interface Timing {
  name: string;
  /** median seconds per call over the samples */
  seconds: number;
}

const now = (): number => performance.now() / 1000;

/**
 * Median time per call of `fn`: calls are batched until a batch takes >= `minBatch` seconds, then
 * `samples` batches are timed. Warm-up runs first so the JIT and caches are settled.
 */
export async function time(
  name: string,
  fn: () => unknown | Promise<unknown>,
  { samples = 7, minBatch = 0.05, warmup = 3 } = {},
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  let reps = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < reps; i++) await fn();
    const dt = now() - t0;
    if (dt >= minBatch || reps >= 1 << 20) break;
    reps *= dt > 0 ? Math.min(10, Math.max(2, Math.ceil(minBatch / dt))) : 10;
  }
  const per: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = now();
    for (let i = 0; i < reps; i++) await fn();
    per.push((now() - t0) / reps);
  }
  per.sort((a, b) => a - b);
  return { name, seconds: per[per.length >> 1] };
}

function fmtTime(s: number): string {
  if (s < 1e-6) return `${(s * 1e9).toFixed(1)} ns`;
  if (s < 1e-3) return `${(s * 1e6).toFixed(2)} us`;
  if (s < 1) return `${(s * 1e3).toFixed(2)} ms`;
  return `${s.toFixed(2)} s`;
}

export interface Target {
  /** the peer's timing name */
  peer: string;
  /** required speed-up of `ours` over `peer` */
  atLeast: number;
}

export interface RatioRow {
  case: string;
  ours: string;
  peer: string;
  ratio: number;
  target?: number;
  met?: boolean;
}

const results: RatioRow[] = [];

/**
 * Prints one case: every timing, then ours' speed-up over each peer (peer time / our time), with
 * the target when there is one. Returns the rows (also collected for the final summary).
 */
export function report(caseName: string, ours: Timing, peers: Timing[], targets: Target[] = []): RatioRow[] {
  const rows: RatioRow[] = [];
  console.log(`\n${caseName}`);
  for (const t of [ours, ...peers]) console.log(`  ${t.name.padEnd(34)} ${fmtTime(t.seconds).padStart(12)}`);
  for (const p of peers) {
    const ratio = p.seconds / ours.seconds;
    const target = targets.find((t) => t.peer === p.name)?.atLeast;
    const row: RatioRow = { case: caseName, ours: ours.name, peer: p.name, ratio, target };
    if (target !== undefined) row.met = ratio >= target;
    const mark = target === undefined ? '' : ` (target >= ${target}x: ${row.met ? 'met' : 'MISSED'})`;
    console.log(`  ${ours.name} vs ${p.name}: ${ratio.toFixed(2)}x${mark}`);
    rows.push(row);
    results.push(row);
  }
  return rows;
}

/** Every row reported so far, for the summary table at the end of the run. */
export function allResults(): RatioRow[] {
  return results;
}
