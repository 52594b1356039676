// Kernel family 'optim-sgd': not written yet.
export {};
