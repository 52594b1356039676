/**
 * The jax-js peer (`@jax-js/jax`) on its wasm backend, started once. jax-js spreads a wasm kernel
 * over a pool of Web Workers only when both `SharedArrayBuffer` and a global `Worker` exist; Node
 * has no global `Worker`, so under Node it runs on one thread, as TF.js-wasm does after
 * `setThreadsCount(1)`. `useJax()` says which it is, so a reader of the output can tell.
 */
import * as jax from '@jax-js/jax';

let ready: Promise<typeof jax> | undefined;

/** jax-js with 'wasm' as its default device (throws when the wasm backend cannot start). */
export function useJax(): Promise<typeof jax> {
  ready ??= jax.init('wasm').then((devices) => {
    if (!devices.includes('wasm'))
      throw new Error(`jax-js: the wasm backend did not start (devices: ${devices.join(', ')})`);
    jax.defaultDevice('wasm');
    return jax;
  });
  return ready;
}

/** One line for the output: the device and whether jax-js could use worker threads. */
export function jaxThreads(): string {
  const threaded = typeof SharedArrayBuffer !== 'undefined' && typeof globalThis.Worker !== 'undefined';
  return threaded ? 'wasm, worker pool (multi-threaded)' : 'wasm, one thread (no global Worker in Node)';
}
