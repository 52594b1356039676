/**
 * Benchmark peers, loaded once: TensorFlow.js on its wasm backend (single thread, XNNPACK) and on
 * its cpu backend. Switch with `useTf('wasm' | 'cpu')`.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

let wasmReady = false;

export async function useTf(backend: 'wasm' | 'cpu'): Promise<typeof tf> {
  if (backend === 'wasm' && !wasmReady) {
    setThreadsCount(1);
    wasmReady = true;
  }
  await tf.setBackend(backend);
  await tf.ready();
  return tf;
}

export { tf };
