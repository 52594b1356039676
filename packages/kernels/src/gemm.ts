// Typed wrappers for the 'gemm' kernel family: not written yet.
export {};
