// Type-checked (not run) by the smoke test against the installed tarballs, under moduleResolution
// node16, nodenext, bundler and node10: every package's types resolve and say what they should.
import { type Tensor, tensor } from '@descent/autograd';
import { AdamW, minimize, type Param, param, rosenbrock } from '@descent/core';
import { fromExpression } from '@descent/core/expression';
import { fromArray } from '@descent/kernels';
import { digits, fit, mlp } from '@descent/mlp';
import { decoupledWeightDecay } from '@descent/regularizers';
import { CosineAnnealingLR, cosine } from '@descent/schedulers';

const w: Param = param(new Float32Array([0, 1, 2]), { name: 'w' });
const opt = new AdamW([w], { lr: 0.1 });
const sched = new CosineAnnealingLR(opt, { TMax: 10 });
sched.step();
const lr: number = cosine({ lr: 0.1, TMax: 100 })(10);
const r = minimize(rosenbrock(2), new Float64Array([-1.2, 1]), { method: 'lbfgs' });
const fun: number = r.fun;
const converged: boolean = r.converged;
const p = fromExpression('x^2 - y^2');
const vars: string[] = p.variables;
const t: Tensor = tensor([1, 2, 3]);
const k = fromArray(new Float64Array([1, 2]));
const model = mlp({ sizes: [64, 10], seed: 0 });
const history = fit(model, digits(), { optimizer: (ps) => new AdamW(ps), epochs: 1 }).history;
const loss: number = history[0].loss;
// The types are real, not `any`: each misuse below must be an error (an unused @ts-expect-error is one).
// @ts-expect-error: TMax is required
cosine({ lr: 0.1 });
// @ts-expect-error: fun is a number
const notString: string = r.fun;
// @ts-expect-error: variables is string[]
const notNumbers: number[] = p.variables;
// @ts-expect-error: mlp needs sizes
mlp({ seed: 0 });

export { converged, decoupledWeightDecay, fun, k, loss, lr, notNumbers, notString, t, vars };
