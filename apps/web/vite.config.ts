import { defineConfig } from 'vite';

// No special configuration: @descent/kernels embeds its wasm, so a plain Vite build serves it.
// The bundle is ~950 kB (280 kB gzipped), most of it mathjs, which @descent/core's fromExpression
// uses to parse and differentiate typed formulas; the warning limit is raised to say that is known.
export default defineConfig({ build: { chunkSizeWarningLimit: 1200 } });
