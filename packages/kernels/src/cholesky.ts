// Typed wrappers for the 'cholesky' kernel family: not written yet.
export {};
