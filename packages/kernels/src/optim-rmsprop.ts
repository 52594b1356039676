// Typed wrappers for the 'optim-rmsprop' kernel family: not written yet.
export {};
