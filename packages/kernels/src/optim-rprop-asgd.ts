// Typed wrappers for the 'optim-rprop-asgd' kernel family: not written yet.
export {};
