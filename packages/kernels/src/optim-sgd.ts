// Typed wrappers for the 'optim-sgd' kernel family: not written yet.
export {};
