/**
 * L-BFGS-B's limited-memory matrix in compact form (Byrd, Nocedal & Schnabel 1994), used by
 * lbfgsb.ts: from the last m pairs s_i, y_i (oldest first),
 *
 *   B = θI - W M Wᵀ,   W = [Y  θS] (n × 2m),   M⁻¹ = K = [ -D   Lᵀ ]     D = diag(s_iᵀy_i),
 *                                                      [  L  θSᵀS ],   L_ij = s_iᵀy_j (i > j),
 *   θ = yᵀy / sᵀy of the newest pair (1 while the memory is empty).
 *
 * Products by M solve K x = v with K's LU factors (partial pivoting), refactored when a pair is added.
 */
import { dot } from './vector.js';

/** The last m pairs and what the compact form needs: W rows, K = M⁻¹ (LU-factored), θ. */
export class CompactMemory {
  S: Float64Array[] = [];
  Y: Float64Array[] = [];
  theta = 1;
  private lu: { a: Float64Array; piv: Int32Array; k: number } | undefined;

  constructor(
    readonly n: number,
    readonly m: number,
  ) {}

  get size(): number {
    return this.S.length;
  }

  clear(): void {
    this.S = [];
    this.Y = [];
    this.theta = 1;
    this.lu = undefined;
  }

  push(s: Float64Array, y: Float64Array, sy: number): void {
    if (this.S.length === this.m) {
      this.S.shift();
      this.Y.shift();
    }
    this.S.push(s);
    this.Y.push(y);
    this.theta = dot(y, y) / sy;
    this.lu = undefined;
  }

  /** Row i of W = [Y θS] into out (length 2·size). */
  row(i: number, out: Float64Array): Float64Array {
    const k = this.size;
    for (let j = 0; j < k; j++) {
      out[j] = this.Y[j][i];
      out[k + j] = this.theta * this.S[j][i];
    }
    return out;
  }

  /** K = M⁻¹ = [[-D, Lᵀ], [L, θSᵀS]], row-major 2k × 2k. */
  middleInverse(): Float64Array {
    const k = this.size;
    const K = new Float64Array(4 * k * k);
    const w = 2 * k;
    for (let i = 0; i < k; i++) {
      K[i * w + i] = -dot(this.S[i], this.Y[i]);
      for (let j = 0; j < k; j++) {
        if (i > j) {
          const lij = dot(this.S[i], this.Y[j]);
          K[(k + i) * w + j] = lij; // L
          K[j * w + k + i] = lij; // Lᵀ
        }
        K[(k + i) * w + k + j] = this.theta * dot(this.S[i], this.S[j]);
      }
    }
    return K;
  }

  /** out = M v (solves K out = v); false when K is singular. */
  timesM(v: Float64Array, out: Float64Array): boolean {
    if (!this.lu) {
      const k = 2 * this.size;
      const a = this.middleInverse();
      const piv = factorLU(a, k);
      if (!piv) return false;
      this.lu = { a, piv, k };
    }
    solveLU(this.lu.a, this.lu.piv, this.lu.k, v, out);
    return true;
  }
}

/** In-place LU with partial pivoting of a row-major k × k matrix; null when singular. */
export function factorLU(a: Float64Array, k: number): Int32Array | null {
  const piv = new Int32Array(k);
  for (let col = 0; col < k; col++) {
    let best = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r * k + col]) > Math.abs(a[best * k + col])) best = r;
    piv[col] = best;
    if (!(Math.abs(a[best * k + col]) > 0) || !Number.isFinite(a[best * k + col])) return null;
    if (best !== col) {
      for (let q = 0; q < k; q++) {
        const t = a[col * k + q];
        a[col * k + q] = a[best * k + q];
        a[best * k + q] = t;
      }
    }
    const pivot = a[col * k + col];
    for (let r = col + 1; r < k; r++) {
      const f = (a[r * k + col] /= pivot);
      if (f !== 0) for (let q = col + 1; q < k; q++) a[r * k + q] -= f * a[col * k + q];
    }
  }
  return piv;
}

/** Solves (LU) x = b with the factors and pivots of factorLU. */
export function solveLU(
  a: Float64Array,
  piv: Int32Array,
  k: number,
  b: Float64Array,
  out: Float64Array,
): void {
  out.set(b);
  for (let col = 0; col < k; col++) {
    const p = piv[col];
    if (p !== col) {
      const t = out[col];
      out[col] = out[p];
      out[p] = t;
    }
  }
  for (let r = 0; r < k; r++) {
    let s = out[r];
    for (let q = 0; q < r; q++) s -= a[r * k + q] * out[q];
    out[r] = s;
  }
  for (let r = k - 1; r >= 0; r--) {
    let s = out[r];
    for (let q = r + 1; q < k; q++) s -= a[r * k + q] * out[q];
    out[r] = s / a[r * k + r];
  }
}
