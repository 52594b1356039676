// Kernel family 'cholesky': not written yet.
export {};
