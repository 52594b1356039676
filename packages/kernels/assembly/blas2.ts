// Kernel family 'blas2': not written yet.
export {};
