// Typed wrappers for the 'softmax' kernel family: not written yet.
export {};
