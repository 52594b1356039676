import { defineConfig } from 'vitest/config';

// One file: packing and `npm install` happen once, in beforeAll (about 20-60 s, the registry included).
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 },
});
