// Kernel family 'eigh': not written yet.
export {};
