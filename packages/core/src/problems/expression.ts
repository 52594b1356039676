/**
 * A Problem from a formula: `fromExpression('x^2 - y^2')`.
 * mathjs parses the text; `derivative` differentiates it symbolically (exact, simplified):
 *   grad_i = d f / d x_i,   H_ij = d grad_i / d x_j  (computed for j >= i, mirrored);
 * every expression is compiled once for repeated evaluation. Variables are the free symbols in
 * order of first appearance in the text (constants such as pi and e, and function names, are not
 * variables) unless `variables` gives the order.
 */

import type { MathNode } from 'mathjs';
import * as math from 'mathjs';
import { box, defineProblem, type Problem } from './problem.js';

export interface ExpressionOptions {
  /** Variable order (defaults to first appearance); symbols not listed are an error. */
  variables?: string[];
  /** Problem name (defaults to the expression). */
  name?: string;
  /** Start (defaults to all ones). */
  x0?: ArrayLike<number>;
  /** Plotting box per coordinate (defaults to [-5, 5] each). */
  domain?: [number, number][];
  /** Known minima, if the caller knows them. */
  minima?: { x: ArrayLike<number>; f: number }[];
}

export interface ExpressionProblem extends Problem {
  expression: string;
  variables: string[];
  /** d f / d x_i as text, in variable order. */
  gradientExpressions: string[];
  /** d² f / d x_i d x_j as text (symmetric). */
  hessianExpressions: string[][];
}

const allowedNodes = new Set([
  'OperatorNode',
  'ParenthesisNode',
  'ConstantNode',
  'SymbolNode',
  'FunctionNode',
]);
const mathScope = math as unknown as Record<string, unknown>;
const isConstant = (name: string) => typeof mathScope[name] === 'number';
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** 1-based position of the first occurrence of `name` (followed by '(' when `call`) in the text. */
function positionOf(text: string, name: string, call: boolean): number {
  const re = new RegExp(
    `(?<![A-Za-z0-9_])${escapeRegExp(name)}(?![A-Za-z0-9_])${call ? '\\s*\\(' : '(?!\\s*\\()'}`,
  );
  const m = re.exec(text);
  return m ? m.index + 1 : 0;
}

/** A mathjs result as a real number: complex results with a nonzero imaginary part become NaN. */
function toReal(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value && typeof value === 'object' && 're' in value && 'im' in value) {
    const c = value as { re: number; im: number };
    return c.im === 0 ? c.re : Number.NaN;
  }
  return Number(value);
}

function parseExpression(expression: string): MathNode {
  if (typeof expression !== 'string' || expression.trim() === '') {
    throw new SyntaxError(
      `Invalid expression ${JSON.stringify(expression)}: expected a non-empty formula such as 'x^2 - y^2'`,
    );
  }
  let node: MathNode;
  try {
    node = math.parse(expression);
  } catch (e) {
    const err = e as Error & { char?: number };
    const where = err.char !== undefined ? ` at position ${err.char}` : '';
    throw new SyntaxError(`Invalid expression "${expression}"${where}: ${err.message}`);
  }
  node.traverse((n) => {
    if (!allowedNodes.has(n.type)) {
      throw new SyntaxError(
        `Invalid expression "${expression}": unsupported syntax (${n.type}); write a single formula`,
      );
    }
    if (n.type === 'FunctionNode') {
      const name = (n as math.FunctionNode).fn.name;
      if (typeof mathScope[name] !== 'function') {
        const at = positionOf(expression, name, true);
        throw new SyntaxError(`Unknown function "${name}" in expression "${expression}" at position ${at}`);
      }
    }
  });
  return node;
}

/** Free symbols of the formula (not function names, not numeric constants like pi), by first appearance. */
function freeSymbols(expression: string, node: MathNode): string[] {
  const names = new Set<string>();
  node.traverse((n, path) => {
    if (n.type === 'SymbolNode' && path !== 'fn') names.add((n as math.SymbolNode).name);
  });
  return [...names]
    .filter((name) => !isConstant(name))
    .sort((a, b) => positionOf(expression, a, false) - positionOf(expression, b, false));
}

export function fromExpression(expression: string, options: ExpressionOptions = {}): ExpressionProblem {
  const node = parseExpression(expression);
  const found = freeSymbols(expression, node);
  let variables = found;
  if (options.variables !== undefined) {
    variables = [...options.variables];
    const bad = variables.find((v) => typeof v !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v));
    if (bad !== undefined) throw new RangeError(`Invalid variable name: ${JSON.stringify(bad)}`);
    if (new Set(variables).size !== variables.length) {
      throw new RangeError(`Invalid variables: ${variables.join(', ')} (names must be distinct)`);
    }
    const unknown = found.find((s) => !variables.includes(s));
    if (unknown !== undefined) {
      const at = positionOf(expression, unknown, false);
      throw new RangeError(
        `Unknown variable "${unknown}" in expression "${expression}" at position ${at} (variables: ${variables.join(', ')})`,
      );
    }
  }
  const n = variables.length;
  if (n === 0) throw new RangeError(`Expression "${expression}" has no variables`);

  const differentiate = (f: MathNode, v: string) => {
    try {
      return math.derivative(f, v);
    } catch (e) {
      throw new SyntaxError(
        `Cannot differentiate "${expression}" with respect to ${v}: ${(e as Error).message}`,
      );
    }
  };
  const gradNodes = variables.map((v) => differentiate(node, v));
  const hessNodes: MathNode[][] = gradNodes.map(() => []);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      hessNodes[i][j] = differentiate(gradNodes[i], variables[j]);
      hessNodes[j][i] = hessNodes[i][j];
    }
  }
  const fC = node.compile();
  const gC = gradNodes.map((g) => g.compile());
  const hC = hessNodes.map((row) => row.map((h) => h.compile()));
  const scope = new Map<string, number>();
  const bind = (x: Float64Array) => {
    for (let i = 0; i < n; i++) scope.set(variables[i], x[i]);
    return scope;
  };

  const problem = defineProblem({
    name: options.name ?? expression,
    dim: n,
    f: (x) => toReal(fC.evaluate(bind(x))),
    grad: (x, g) => {
      const s = bind(x);
      for (let i = 0; i < n; i++) g[i] = toReal(gC[i].evaluate(s));
      return g;
    },
    hessian: (x, h) => {
      const s = bind(x);
      for (let i = 0; i < n; i++) {
        for (let j = i; j < n; j++) {
          const v = toReal(hC[i][j].evaluate(s));
          h[i * n + j] = v;
          h[j * n + i] = v;
        }
      }
      return h;
    },
    x0: options.x0 ?? new Float64Array(n).fill(1),
    minima: options.minima ?? [],
    domain: options.domain ?? box(n, -5, 5),
    description: `f(${variables.join(', ')}) = ${expression}`,
  });
  if (problem.x0.length !== n)
    throw new RangeError(`x0 has length ${problem.x0.length}, expected the number of variables = ${n}`);
  if (problem.domain.length !== n) {
    throw new RangeError(
      `domain has length ${problem.domain.length}, expected the number of variables = ${n}`,
    );
  }
  return {
    ...problem,
    expression,
    variables,
    gradientExpressions: gradNodes.map((g) => g.toString()),
    hessianExpressions: hessNodes.map((row) => row.map((h) => h.toString())),
  };
}
