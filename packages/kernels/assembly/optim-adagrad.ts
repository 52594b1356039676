// Kernel family 'optim-adagrad': not written yet.
export {};
