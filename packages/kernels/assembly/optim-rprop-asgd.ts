// Kernel family 'optim-rprop-asgd': not written yet.
export {};
