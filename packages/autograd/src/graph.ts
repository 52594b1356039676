/**
 * The recorded graph: each op's output keeps a `Node` naming the op, its inputs, and the function
 * that maps the output's gradient to the inputs' gradients (the vector-Jacobian product):
 *
 *   y = op(x₁, …, xₖ)   ⇒   node.backward(ḡ) = [ḡ ∂y/∂x₁, …, ḡ ∂y/∂xₖ]   (null where not needed)
 *
 * Backward functions are written with the same differentiable ops as the forward pass, so running
 * them while recording (`createGraph`) gives a graph of the gradient itself: that is how
 * Hessian-vector products and higher derivatives work. A node is released (its function dropped)
 * after a backward pass without `retainGraph`.
 */
import { isGradEnabled } from './scope.js';
import type { Tensor } from './tensor.js';

export type BackwardFn = (g: Tensor) => (Tensor | null)[];

export interface Node {
  /** the op's name, for messages (`matmul`, `add`, …) */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** tensors the backward function reads besides the inputs (an output, saved indices) */
  readonly saved: readonly Tensor[];
  backward: BackwardFn | null;
}

/**
 * Attaches the graph node to `out` when recording and some input requires a gradient; returns
 * `out`. `backward` is called only for nodes whose output received a gradient.
 */
export function record(
  out: Tensor,
  op: string,
  inputs: readonly Tensor[],
  backward: BackwardFn,
  saved: readonly Tensor[] = [],
): Tensor {
  if (!isGradEnabled()) return out;
  let needs = false;
  for (const x of inputs) if (x.requiresGrad) needs = true;
  if (!needs) return out;
  out.requiresGrad = true;
  out.node = { op, inputs, saved, backward };
  return out;
}
