// Kernel family 'optim-adafactor': not written yet.
export {};
