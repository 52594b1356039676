// Suites live in src/suites/*.ts and export run(); see harness.ts.
export {};
