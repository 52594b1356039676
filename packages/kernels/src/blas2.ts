// Typed wrappers for the 'blas2' kernel family: not written yet.
export {};
