// Kernel family 'gemm': not written yet.
export {};
