import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
    // finds Chromium (or installs Debian's, as root) once, before the browser tests: e2e/chromium.ts
    globalSetup: ['e2e/setup-chromium.ts'],
    // one file at a time: every browser test file builds the page into the same dist/
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
