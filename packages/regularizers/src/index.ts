// @descent/regularizers: penalties Ω(θ), proximal operators, decoupled weight decay, O = L + Ω.

export * from './decoupled.js';
export * from './elastic-net.js';
export * from './fista.js';
export * from './group-lasso.js';
export * from './objective.js';
export * from './penalty.js';
export * from './proximal.js';
