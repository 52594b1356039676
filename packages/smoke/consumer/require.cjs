// CommonJS: require() of the ES-module packages (Node ^20.19 || >=22.12 loads them).
const core = require('@descent/core');
const { fromExpression } = require('@descent/core/expression');

const saddle = fromExpression('x^2 - y^2');
const at = new Float64Array([0, 0]);
const c = core.classifyCriticalPoint(core.hessian(saddle, at));
const resolved = ['@descent/core', '@descent/core/expression', '@descent/kernels'].map((m) =>
  require.resolve(m),
);
console.log(JSON.stringify({ kind: c.kind, eigenvalues: Array.from(c.eigenvalues), resolved }));
