// Kernel family 'optim-rmsprop': not written yet.
export {};
