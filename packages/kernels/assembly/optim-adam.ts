// Kernel family 'optim-adam': not written yet.
export {};
