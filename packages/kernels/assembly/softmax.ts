// Kernel family 'softmax': not written yet.
export {};
