// Typed wrappers for the 'nn' kernel family: not written yet.
export {};
