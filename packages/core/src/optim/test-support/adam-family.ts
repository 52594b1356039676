/** Invalid options every Adam-family optimizer (Adam, AdamW, NAdam, RAdam, Adamax) rejects, as torch does. */
export const adamFamilyInvalidOptions = [
  { options: { lr: -0.001 }, message: 'Invalid learning rate: -0.001' },
  { options: { eps: -1e-8 }, message: 'Invalid eps value: -1e-8' },
  { options: { betas: [1, 0.999] }, message: 'Invalid beta parameter at index 0: 1' },
  { options: { betas: [0.9, -0.1] }, message: 'Invalid beta parameter at index 1: -0.1' },
  { options: { betas: [0.9] }, message: /Invalid betas value: \[0.9\]/ },
  { options: { weightDecay: -0.01 }, message: 'Invalid weightDecay value: -0.01' },
];
