/**
 * Reverse mode. From the roots, walk the recorded graph in reverse topological order, hand each
 * node the gradient of its output, and add what it returns into its inputs' gradients:
 *
 *   ḡ_root = seed (1 for a scalar),   ḡ_x = Σ_{nodes y = op(…, x, …)} node_y.backward(ḡ_y)[x]
 *
 * Everything is checked before the first gradient is computed (a freed tensor in the graph, a graph
 * already released by an earlier backward, a non-scalar root without a seed, a seed of the wrong
 * shape), so a refused call changes nothing.
 *
 * Without `createGraph` the pass runs without recording and frees every intermediate gradient as
 * soon as it is consumed; leaves receive copies they own. With `createGraph` it records, so the
 * gradients are differentiable tensors (for Hessian-vector products), living in the caller's scope.
 */
import type { Node } from './graph.js';
import * as ew from './ops/elementwise.js';
import { scoped, withGradMode } from './scope.js';
import { sameShape, type Tensor } from './tensor.js';

export interface RunOptions {
  retainGraph?: boolean;
  createGraph?: boolean;
}

const shapeText = (t: Tensor) => `[${t.shape.join(', ')}]`;

/**
 * Runs backward from `roots` (seeded with `seeds`, null meaning 1 for a scalar root). With
 * `targets`, returns ∂/∂target for each (null where the target is unreachable) and leaves every
 * `.grad` untouched (torch.autograd.grad); otherwise accumulates into the leaves and returns [].
 */
export function runBackward(
  roots: readonly Tensor[],
  seeds: readonly (Tensor | null)[],
  options: RunOptions = {},
  targets?: readonly Tensor[],
): (Tensor | null)[] {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  for (let i = 0; i < roots.length; i++) checkRoot(roots[i], seeds[i]);
  const order = topologicalOrder(roots);
  const targetSet = new Set(targets ?? []);

  const results = new Map<Tensor, Tensor>();
  const resultGrads = new Set<Tensor>(); // never freed here: returned, or the caller's seeds
  for (const seed of seeds) if (seed) resultGrads.add(seed);
  const survives = (t: Tensor) => createGraph || resultGrads.has(t);
  scoped(
    () =>
      withGradMode(createGraph, () => {
        const grads = new Map<Tensor, Tensor>();
        const uses = new Map<Tensor, number>();
        const put = (x: Tensor, g: Tensor) => {
          const old = grads.get(x);
          const next = old ? ew.add(old, g) : g;
          if (old) drop(old);
          grads.set(x, next);
          uses.set(next, (uses.get(next) ?? 0) + 1);
        };
        const drop = (g: Tensor) => {
          const n = (uses.get(g) ?? 1) - 1;
          uses.set(g, n);
          if (n <= 0 && !createGraph && !resultGrads.has(g)) g.free();
        };
        for (let i = 0; i < roots.length; i++) put(roots[i], seeds[i] ?? ew.onesLike(roots[i]));

        for (let k = order.length - 1; k >= 0; k--) {
          const t = order[k];
          const g = grads.get(t);
          if (!g) continue;
          grads.delete(t);
          if (targetSet.has(t)) {
            results.set(t, g);
            resultGrads.add(g);
            if (!t.node) continue;
          } else if (!t.node) {
            if (!targets && t.requiresGrad) t.accumulateGrad(g, createGraph);
            drop(g);
            continue;
          }
          const node = t.node as Node;
          const inputGrads = (node.backward as (g: Tensor) => (Tensor | null)[])(g);
          for (let i = 0; i < node.inputs.length; i++) {
            const x = node.inputs[i];
            const gx = inputGrads[i];
            if (gx && x.requiresGrad) put(x, gx);
          }
          if (!targetSet.has(t)) drop(g);
        }
      }),
    survives,
  );
  if (!retainGraph) for (const t of order) if (t.node) t.node.backward = null;
  return (targets ?? []).map((t) => results.get(t) ?? null);
}

function checkRoot(root: Tensor, seed: Tensor | null): void {
  if (root?.isTensor !== true) throw new TypeError('backward: expected a Tensor');
  if (root.freed) throw new Error(`backward: tensor ${shapeText(root)} was freed`);
  if (!root.requiresGrad)
    throw new Error(
      `backward: tensor ${shapeText(root)} does not require a gradient (no input had requiresGrad, or it was made under noGrad)`,
    );
  if (seed === null) {
    if (root.size !== 1)
      throw new RangeError(
        `backward: a tensor of shape ${shapeText(root)} is not a scalar; pass a seed gradient of that shape`,
      );
    return;
  }
  if (seed.freed) throw new Error('backward: the seed gradient was freed');
  if (seed.dtype !== root.dtype || !sameShape(seed.shape, root.shape))
    throw new RangeError(
      `backward: seed is ${seed.dtype} ${shapeText(seed)}, the tensor is ${root.dtype} ${shapeText(root)}`,
    );
}

/** Tensors reachable from the roots through inputs that require gradients, inputs before users. */
function topologicalOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const mark = ++epoch; // a tensor whose visitMark is `mark` was seen in this walk
  const stack: Tensor[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (root.visitMark === mark) continue;
    root.visitMark = mark;
    stack.push(root);
    next.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const t = stack[top];
      const i = next[top];
      const node = t.node;
      if (node && i === 0) checkNode(t, node);
      if (node && i < node.inputs.length) {
        next[top] = i + 1;
        const x = node.inputs[i];
        if (x.requiresGrad && x.visitMark !== mark) {
          x.visitMark = mark;
          stack.push(x);
          next.push(0);
        }
        continue;
      }
      stack.pop();
      next.pop();
      order.push(t);
    }
  }
  return order;
}

let epoch = 0;

function checkNode(t: Tensor, node: Node): void {
  if (node.backward === null)
    throw new Error(
      `backward: the graph through '${node.op}' was already used by a backward pass and released; pass { retainGraph: true } to the first backward to go through it again`,
    );
  for (const x of node.inputs)
    if (x.freed)
      throw new Error(
        `backward: an input of '${node.op}' (shape ${shapeText(x)}) was freed (by tidy() or free())`,
      );
  for (const x of node.saved)
    if (x.freed) throw new Error(`backward: a tensor saved by '${node.op}' was freed (by tidy() or free())`);
  if (t.freed) throw new Error(`backward: the output of '${node.op}' was freed`);
}
