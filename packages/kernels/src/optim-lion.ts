// Typed wrappers for the 'optim-lion' kernel family: not written yet.
export {};
