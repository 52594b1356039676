// Typed wrappers for the 'lu' kernel family: not written yet.
export {};
