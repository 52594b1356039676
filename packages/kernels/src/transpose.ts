// Typed wrappers for the 'transpose' kernel family: not written yet.
export {};
