// @descent/core: parameters, optimizers, minimize(), analysis, problems.

export * from './analysis/index.js';
export * from './averaging.js';
export * from './clip.js';
export * from './minimize/minimize.js';
export * from './optim/adadelta.js';
export * from './optim/adafactor.js';
export * from './optim/adagrad.js';
export * from './optim/adam.js';
export * from './optim/adamax.js';
export * from './optim/adamw.js';
export * from './optim/asgd.js';
export * from './optim/lbfgs.js';
export * from './optim/lion.js';
export * from './optim/muon.js';
export * from './optim/nadam.js';
export * from './optim/newton-schulz.js';
export * from './optim/optimizer.js';
export * from './optim/radam.js';
export * from './optim/rmsprop.js';
export * from './optim/rprop.js';
export * from './optim/sgd.js';
export * from './optim/state-dict.js';
export * from './optim/validate.js';
export * from './param.js';
export * from './problems/index.js';
export * from './projections.js';
