// Typed wrappers for the 'optim-adafactor' kernel family: not written yet.
export {};
