/**
 * Measuring the page's main thread in the browser tests: every long task (> 50 ms) seen by a
 * `longtask` PerformanceObserver, and the CPU time of every main-thread task from a Chrome trace.
 */
import type { Page } from 'playwright-core';

/** Records every long task (> 50 ms on the main thread) from the page's first script on. */
export async function watchLongTasks(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: number[][] };
    w.longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longTasks.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: 'longtask', buffered: true });
  });
}

export const longTasksSince = (page: Page, t0: number) =>
  page.evaluate(
    (t) => (window as unknown as { longTasks: number[][] }).longTasks.filter(([s]) => s >= t),
    t0,
  );

/**
 * The page's main-thread tasks while `act` runs, from a Chrome trace: wall time and CPU time of every
 * task of the renderer's main thread. CPU time is what the page's own work costs; wall time also
 * holds the time the OS gave other processes (on a machine shared with other jobs a 5 ms task can
 * take 50 ms of wall time), so the limits below are on CPU time, with a wall-time bound for freezes.
 */
export async function mainThreadTasks(
  page: Page,
  act: () => Promise<void>,
): Promise<{ wall: number; cpu: number }[]> {
  const browser = page.context().browser()!;
  await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
  await act();
  const buffer = await browser.stopTracing();
  const events: {
    name: string;
    ph: string;
    pid: number;
    tid: number;
    dur?: number;
    tdur?: number;
    args?: { name?: string };
  }[] = JSON.parse(buffer.toString()).traceEvents;
  const mains = events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const tasksOf = (m: { pid: number; tid: number }) =>
    events.filter((e) => e.name === 'RunTask' && e.ph === 'X' && e.pid === m.pid && e.tid === m.tid);
  // the traced page's main thread is the busiest renderer main thread
  const main = mains.map(tasksOf).sort((a, b) => b.length - a.length)[0] ?? [];
  return main.map((e) => ({ wall: (e.dur ?? 0) / 1000, cpu: (e.tdur ?? 0) / 1000 }));
}
