/**
 * Activations, each with its derivative written in differentiable ops (for higher order) and, when
 * the backward pass is not itself recorded, a fused kernel (one pass, no temporaries):
 *
 *   relu       y = max(x, 0)                      x̄ = ḡ [x > 0]
 *   leakyRelu  y = x > 0 ? x : s x                x̄ = ḡ (x > 0 ? 1 : s)
 *   sigmoid    y = 1 / (1 + e^{−x})               x̄ = ḡ y (1 − y)
 *   tanh       y = tanh x                         x̄ = ḡ (1 − y²)
 *   softplus   y = log(1 + e^x)                   x̄ = ḡ σ(x)
 *   elu        y = x > 0 ? x : α (e^x − 1)        x̄ = ḡ (x > 0 ? 1 : y + α)
 *   gelu       y = x Φ(x)                         x̄ = ḡ (Φ(x) + x φ(x)),  its derivative φ(x)(2 − x²)
 *              'tanh': y = x (1 + tanh(√(2/π)(x + 0.044715 x³))) / 2, built from the ops above.
 */
import {
  elu as kElu,
  eluBackward as kEluBackward,
  gelu as kGelu,
  geluBackward as kGeluBackward,
  leakyRelu as kLeakyRelu,
  leakyReluBackward as kLeakyReluBackward,
  reluBackward as kReluBackward,
  sigmoidBackward as kSigmoidBackward,
  tanhBackward as kTanhBackward,
  type WasmArray,
} from '@descent/kernels';
import { record } from '../graph.js';
import { isGradEnabled } from '../scope.js';
import { empty, scalar, type Tensor } from '../tensor.js';
import { add, affine, exp, mul, square, sub, unaryRaw, where } from './elementwise.js';

/** dx = kernel(saved, ḡ) into a new tensor (first-order backward only). */
function fused(
  saved: Tensor,
  g: Tensor,
  kernel: (s: WasmArray, dy: WasmArray, dx: WasmArray) => void,
): Tensor {
  const dx = empty(g.shape, g.dtype);
  kernel(saved.buffer, g.buffer, dx.buffer);
  return dx;
}

function activation(
  op: string,
  x: Tensor,
  out: Tensor,
  slow: (g: Tensor) => Tensor,
  fast: ((g: Tensor) => Tensor) | null,
): Tensor {
  return record(out, op, [x], (g) => [fast && !isGradEnabled() ? fast(g) : slow(g)], [out]);
}

export function relu(x: Tensor): Tensor {
  const out = unaryRaw('relu', x);
  return activation(
    'relu',
    x,
    out,
    (g) => mul(g, unaryRaw('step', x)),
    (g) => fused(x, g, kReluBackward),
  );
}

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  const out = empty(x.shape, x.dtype);
  kLeakyRelu(x.buffer, out.buffer, { negativeSlope });
  return activation(
    'leakyRelu',
    x,
    out,
    (g) => mul(g, affine(unaryRaw('step', x), 1 - negativeSlope, negativeSlope)),
    (g) => fused(x, g, (s, dy, dx) => kLeakyReluBackward(s, dy, dx, { negativeSlope })),
  );
}

export function sigmoid(x: Tensor): Tensor {
  const out = unaryRaw('sigmoid', x);
  return activation(
    'sigmoid',
    x,
    out,
    (g) => mul(g, mul(out, affine(out, -1, 1))),
    (g) => fused(out, g, kSigmoidBackward),
  );
}

export function tanh(x: Tensor): Tensor {
  const out = unaryRaw('tanh', x);
  return activation(
    'tanh',
    x,
    out,
    (g) => mul(g, affine(square(out), -1, 1)),
    (g) => fused(out, g, kTanhBackward),
  );
}

export function softplus(x: Tensor): Tensor {
  const out = unaryRaw('softplus', x);
  return activation('softplus', x, out, (g) => mul(g, sigmoid(x)), null);
}

export function elu(x: Tensor, alpha = 1): Tensor {
  if (!Number.isFinite(alpha)) throw new RangeError(`elu: invalid alpha ${alpha}`);
  const out = empty(x.shape, x.dtype);
  kElu(x.buffer, alpha, out.buffer);
  return activation(
    'elu',
    x,
    out,
    (g) => mul(g, where(unaryRaw('step', x), scalar(1, x.dtype), affine(out, 1, alpha))),
    (g) => fused(x, g, (s, dy, dx) => kEluBackward(s, alpha, dy, dx)),
  );
}

const SQRT_2_PI = Math.sqrt(2 / Math.PI);
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** GELU, exact (x Φ(x)) by default or with torch's 'tanh' approximation. */
export function gelu(x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor {
  if (approximate === 'tanh') {
    const inner = affine(add(x, affine(mul(square(x), x), 0.044715, 0)), SQRT_2_PI, 0);
    return mul(affine(x, 0.5, 0), affine(tanh(inner), 1, 1));
  }
  if (approximate !== 'none')
    throw new RangeError(`gelu: approximate must be 'none' or 'tanh', got ${String(approximate)}`);
  const out = empty(x.shape, x.dtype);
  kGelu(x.buffer, out.buffer);
  return record(out, 'gelu', [x], (g) => [geluBackward(x, g)]);
}

/** ḡ (Φ(x) + x φ(x)) by the kernel; differentiable in both x and ḡ. */
function geluBackward(x: Tensor, g: Tensor): Tensor {
  const dx = empty(g.shape, g.dtype);
  kGeluBackward(x.buffer, g.buffer, dx.buffer);
  return record(dx, 'geluBackward', [x, g], (gg) => {
    // ∂/∂ḡ = gelu'(x) ⊙ gg;  ∂/∂x = ḡ gg gelu''(x), gelu''(x) = φ(x) (2 − x²)
    const phi = affine(exp(affine(square(x), -0.5, 0)), INV_SQRT_2PI, 0);
    const second = mul(phi, sub(scalar(2, x.dtype), square(x)));
    return [x.requiresGrad ? mul(mul(g, gg), second) : null, g.requiresGrad ? geluBackward(x, gg) : null];
  });
}
