// Kernel family 'optim-adadelta': not written yet.
export {};
