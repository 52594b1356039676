// Kernel family 'nn': not written yet.
export {};
