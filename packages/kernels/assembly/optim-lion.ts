// Kernel family 'optim-lion': not written yet.
export {};
