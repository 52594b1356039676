/**
 * The page's side of a compute worker: one job at a time. `run` starts a job and hands every reply
 * to `onReply`; starting another job, or `stop()`, ends the current one by terminating the worker
 * (a new one is started for the next job), so a stop never waits for the worker's loop.
 */
import type { ComputeReply, ComputeRequest } from './compute-protocol.js';

export class ComputeClient {
  private worker: Worker | undefined;
  private busy = false;

  /** Starts `request`, ending any job still running; `onReply` gets its replies until the next run or stop. */
  run(request: ComputeRequest, onReply: (reply: ComputeReply) => void): void {
    if (this.busy) this.stop();
    this.worker ??= new Worker(new URL('./compute-worker.ts', import.meta.url), { type: 'module' });
    this.busy = true;
    this.worker.onmessage = (event: MessageEvent<ComputeReply>) => {
      const reply = event.data;
      if (reply.kind !== 'data' && reply.kind !== 'progress') this.busy = false;
      onReply(reply);
    };
    this.worker.onerror = (event) => {
      this.busy = false;
      event.preventDefault();
      onReply({ kind: 'error', message: event.message || 'The compute worker failed to load' });
    };
    this.worker.postMessage(request);
  }

  /** Ends the running job at once (the worker is terminated; its replies stop). */
  stop(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.busy = false;
  }
}
