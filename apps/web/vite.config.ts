import { defineConfig } from 'vite';

// `base: './'`: every asset URL is relative, so the built page works from any sub-path (a project
// site at /descent/) as well as from the root. @descent/kernels embeds its wasm, so the page and
// its compute worker (src/compute-worker.ts, an ES-module worker) load it without extra files.
// mathjs, which @descent/core/expression uses to parse and differentiate typed formulas, is a chunk
// of its own (~730 kB) fetched only when a formula is chosen; the warning limit is raised to say
// that chunk's size is known.
// COOP/COEP in dev and preview make the page crossOriginIsolated: SharedArrayBuffer is allowed, so
// the kernels share memory with a worker pool and use every core (README: what static hosts need;
// served without these headers, the page runs single-threaded).
const crossOriginIsolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  server: { headers: crossOriginIsolation },
  preview: { headers: crossOriginIsolation },
  worker: { format: 'es' },
  build: { chunkSizeWarningLimit: 1200 },
});
