// Typed wrappers for the 'optim-adam' kernel family: not written yet.
export {};
