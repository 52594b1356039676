// nodenext only: a CommonJS TypeScript file that require()s the ES-module packages (TypeScript >= 5.8
// accepts it under "module": "nodenext", as Node ^20.19 || >=22.12 runs it).
import core = require('@descent/core');
import schedulers = require('@descent/schedulers');

const dim: number = core.rosenbrock(2).dim;
const lr: number = schedulers.cosine({ lr: 0.1, TMax: 10 })(5);
export = { dim, lr };
