// Typed wrappers for the 'optim-adagrad' kernel family: not written yet.
export {};
