import { defineConfig } from 'vite';

// No special configuration: @descent/kernels embeds its wasm, so a plain Vite build serves it.
export default defineConfig({});
