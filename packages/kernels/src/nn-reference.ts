/**
 * Plain TypeScript references of the NN kernels (nn.ts, softmax.ts, losses.ts): the formulas
 * written the obvious way with Math.*, in f64, for tests and for reading. Not on any hot path.
 */

/** erf(x): Maclaurin series for |x| < 0.5, else 1 - erfc(|x|) by Laplace's continued fraction. */
export function erfReference(x: number): number {
  const a = Math.abs(x);
  if (a < 0.5) {
    // erf(x) = 2/√π Σ_n (-1)^n x^{2n+1} / (n! (2n+1))
    let term = x;
    let sum = x;
    for (let n = 1; n < 200 && Math.abs(term) > 1e-18 * Math.abs(sum); n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  return Math.sign(x) * (1 - erfcReference(a));
}

/**
 * erfc(x) for x >= 0.5: e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), 1000 levels
 * (converged to 1 ulp for x >= 0.5).
 */
export function erfcReference(x: number): number {
  let f = x;
  for (let k = 1000; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Φ(x), the standard normal CDF. */
export function normalCdfReference(x: number): number {
  const z = x / Math.SQRT2;
  if (z <= -0.5) return 0.5 * erfcReference(-z);
  if (z >= 0.5) return 1 - 0.5 * erfcReference(z);
  return 0.5 * (1 + erfReference(z));
}

export const sigmoidReference = (x: number): number =>
  x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));

const C = Math.sqrt(2 / Math.PI);
const tanhInner = (x: number): number => C * (x + 0.044715 * x * x * x);

/** Forward f(x) and derivative f'(x) of every activation, in f64. */
export const activationReferences = {
  relu: { f: (x: number) => Math.max(x, 0), df: (x: number) => (x > 0 ? 1 : 0) },
  leakyRelu: (s: number) => ({ f: (x: number) => (x > 0 ? x : s * x), df: (x: number) => (x > 0 ? 1 : s) }),
  sigmoid: {
    f: sigmoidReference,
    df: (x: number) => sigmoidReference(x) * (1 - sigmoidReference(x)),
  },
  tanh: { f: Math.tanh, df: (x: number) => 1 - Math.tanh(x) ** 2 },
  gelu: {
    f: (x: number) => x * normalCdfReference(x),
    df: (x: number) => normalCdfReference(x) + (x * Math.exp((-x * x) / 2)) / Math.sqrt(2 * Math.PI),
  },
  geluTanh: {
    // x (1 + tanh u)/2 written as x σ(2u) to avoid the cancellation of 1 + tanh u for x << 0
    f: (x: number) => x * sigmoidReference(2 * tanhInner(x)),
    // d/dx x σ(2u) = σ(2u) + x σ(2u) σ(-2u) 2u',  u' = √(2/π)(1 + 3·0.044715 x²)
    df: (x: number) => {
      const w = 2 * tanhInner(x);
      const dw = 2 * C * (1 + 3 * 0.044715 * x * x);
      return sigmoidReference(w) + x * sigmoidReference(w) * sigmoidReference(-w) * dw;
    },
  },
};

/** Row-wise softmax of a rows x cols row-major matrix (max-shifted). */
export function softmaxReference(x: ArrayLike<number>, rows: number, cols: number, log = false): number[] {
  const out: number[] = [];
  for (let i = 0; i < rows; i++) {
    const row = Array.from({ length: cols }, (_, j) => x[i * cols + j]);
    const m = Math.max(...row);
    const sum = row.reduce((s, v) => s + Math.exp(v - m), 0);
    for (const v of row) out.push(log ? v - m - Math.log(sum) : Math.exp(v - m) / sum);
  }
  return out;
}

/** Mean cross-entropy of softmax(logits) against class labels, and its gradient. */
export function softmaxCrossEntropyReference(
  x: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: number,
  cols: number,
): { loss: number; grad: number[] } {
  const logp = softmaxReference(x, rows, cols, true);
  let loss = 0;
  const grad = logp.map((v) => Math.exp(v) / rows);
  for (let i = 0; i < rows; i++) {
    loss -= logp[i * cols + labels[i]];
    grad[i * cols + labels[i]] -= 1 / rows;
  }
  return { loss: loss / rows, grad };
}

/** Mean squared error and its gradient 2(p - t)/n. */
export function mseReference(p: ArrayLike<number>, t: ArrayLike<number>): { loss: number; grad: number[] } {
  const n = p.length;
  let loss = 0;
  const grad: number[] = [];
  for (let i = 0; i < n; i++) {
    loss += (p[i] - t[i]) ** 2;
    grad.push((2 * (p[i] - t[i])) / n);
  }
  return { loss: loss / n, grad };
}

/** Binary cross-entropy with logits, -[y log σ(x) + (1 - y) log(1 - σ(x))], and (σ(x) - y)/n. */
export function bceWithLogitsReference(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
): { loss: number; grad: number[] } {
  const n = x.length;
  let loss = 0;
  const grad: number[] = [];
  for (let i = 0; i < n; i++) {
    loss += Math.max(x[i], 0) - x[i] * y[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
    grad.push((sigmoidReference(x[i]) - y[i]) / n);
  }
  return { loss: loss / n, grad };
}
