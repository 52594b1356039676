import { defineConfig } from 'vite';

// No special configuration: @descent/kernels embeds its wasm, so a plain Vite build serves it.
// The first load is ~290 kB of JS (100 kB gzipped). mathjs, which @descent/core/expression uses to
// parse and differentiate typed formulas, is a chunk of its own (~730 kB) fetched only when a
// formula is chosen; the warning limit is raised to say that chunk's size is known.
export default defineConfig({ build: { chunkSizeWarningLimit: 1200 } });
