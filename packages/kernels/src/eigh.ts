// Typed wrappers for the 'eigh' kernel family: not written yet.
export {};
