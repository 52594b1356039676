// Kernel family 'transpose': not written yet.
export {};
