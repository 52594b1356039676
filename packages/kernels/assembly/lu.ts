// Kernel family 'lu': not written yet.
export {};
