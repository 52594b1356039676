/**
 * The page's compute worker: races, critical-point searches and network training run here, off the main thread, so the
 * page stays responsive however long they take (the kernels' WebAssembly is instantiated here too).
 * Training reports progress at most every 150 ms of work; the page stops a run by terminating the
 * worker, which answers at once even in the middle of a long epoch.
 */
import { backendInfo, dot, fromArray, loadRelaxedSimd, setThreads, threadsReady } from '@descent/kernels';
import type { ComputeReply, ComputeRequest } from './compute-protocol.js';
import { firstPoint, inspectPoint, searchCriticalPoints } from './critical-compute.js';
import { landscapeOf } from './landscape.js';
import { notesReply } from './notes-compute.js';
import { resolveProblem } from './problem-spec.js';
import { runRace } from './race.js';
import { traceOf } from './race-trace.js';
import { boxOf, decisionGridSize, parameterCount, parseHidden, Trainer } from './training.js';
import { tuneRates } from './tune.js';

/**
 * The relaxed-SIMD (FMA) build of the kernels where the browser has it (Chrome >= 114): its bytes
 * are a chunk of their own, fetched here before the first kernel call (every message waits for it).
 * Matrix products then round once per multiply-add; optimizer updates stay bit-for-bit the plain
 * build's (see @descent/kernels' README, "Relaxed SIMD").
 */
const simdReady = loadRelaxedSimd().catch(() => false);

/** The network the last training finished here, kept for its landscape (freed by the next training). */
let trained: Trainer | undefined;

const post = (reply: ComputeReply, transfer: Transferable[] = []) => self.postMessage(reply, { transfer });

async function race(request: Extract<ComputeRequest, { kind: 'race' }>): Promise<void> {
  const { problem, domain } = await resolveProblem(request.problem);
  const rows = runRace(problem, request.x0, request.entries, {
    gtol: request.gtol,
    maxIter: request.maxIter,
  });
  post({
    kind: 'race',
    rows: rows.map(({ path, losses, ...row }) => ({ ...row, trace: traceOf({ path, losses }, domain) })),
  });
}

async function tune(request: Extract<ComputeRequest, { kind: 'tune' }>): Promise<void> {
  const { problem, domain } = await resolveProblem(request.problem);
  post({
    kind: 'tuned',
    rates: tuneRates(problem, domain, request.x0, request.entries, { gtol: request.gtol }),
  });
}

async function critical(request: Extract<ComputeRequest, { kind: 'critical' }>): Promise<void> {
  const { problem, domain } = await resolveProblem(request.problem);
  const found = request.search ? searchCriticalPoints(problem, domain) : undefined;
  const at = request.at ?? firstPoint(problem, found ?? []);
  post({ kind: 'critical', found, point: inspectPoint(problem, at) });
}

/**
 * The kernels' self-check: Σ i² for i = 1..1000 by the SIMD dot product, and the backend. Where
 * the page is crossOriginIsolated (served with COOP/COEP), memory is shared and the kernels' worker
 * pool is started here and waited for (one thread per core, at most 8), so the reply says how many
 * threads really run; elsewhere everything runs on this worker's one thread. (Other jobs need not
 * wait: their first product large enough for threads starts the pool, and kernels run on one
 * thread until it is up.)
 */
async function kernels(): Promise<void> {
  if (self.crossOriginIsolated) {
    setThreads(Math.max(1, Math.min(navigator.hardwareConcurrency || 1, 8)));
    await threadsReady();
  }
  const x = fromArray(Float64Array.from({ length: 1000 }, (_, i) => i + 1));
  post({ kind: 'kernels', dot: dot(x, x), backend: backendInfo() });
  x.free();
}

function train(request: Extract<ComputeRequest, { kind: 'train' }>): void {
  trained?.free();
  trained = undefined;
  const trainer = new Trainer(request.setup);
  const { data, train, test } = trainer;
  const domain = boxOf(data.x);
  post({
    kind: 'data',
    train: { x: train.x, y: train.y },
    test: test && { x: test.x, y: test.y },
    classes: data.classes,
    domain,
  });
  const G = decisionGridSize(parameterCount([2, ...parseHidden(request.setup.hidden), data.classes]));
  let since = performance.now();
  let first = trainer.history.length;
  const report = () => {
    const grid = trainer.decisionGrid(domain, G);
    post({ kind: 'progress', epoch: trainer.epoch, records: trainer.history.slice(first), grid, G }, [
      grid.buffer,
    ]);
    first = trainer.history.length;
    since = performance.now();
  };
  report();
  while (!trainer.done) {
    trainer.run(1);
    if (trainer.done || performance.now() - since > 150) report();
  }
  post({ kind: 'done', stopped: trainer.stopped });
  trained = trainer;
}

function landscape(): void {
  if (!trained)
    throw new RangeError('Train a network to the end first: its landscape is drawn after training');
  const l = landscapeOf(trained.model, trained.train, { seed: trained.setup.seed });
  post({ kind: 'landscape', landscape: l }, [
    l.alphas.buffer,
    l.losses.buffer,
    l.coords.buffer,
    l.grid.buffer,
  ]);
}

self.onmessage = async (event: MessageEvent<ComputeRequest>) => {
  try {
    await simdReady;
    if (event.data.kind === 'race') await race(event.data);
    else if (event.data.kind === 'tune') await tune(event.data);
    else if (event.data.kind === 'critical') await critical(event.data);
    else if (event.data.kind === 'kernels') await kernels();
    else if (event.data.kind === 'landscape') landscape();
    else if (event.data.kind === 'train') train(event.data);
    else post(notesReply(event.data));
  } catch (e) {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
