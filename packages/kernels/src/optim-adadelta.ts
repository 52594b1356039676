// Typed wrappers for the 'optim-adadelta' kernel family: not written yet.
export {};
