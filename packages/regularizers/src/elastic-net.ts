/**
 * L1, L2 and the elastic net: one fused kernel pass computes the value and adds the gradient.
 *
 *   L1:            Ω(θ) = λ Σ|θ_i|             ∇ = λ sign(θ)          prox: soft-threshold at tλ
 *   L2 (notes):    Ω(θ) = λ Σθ_i²              ∇ = 2λθ                prox: θ / (1 + 2tλ)
 *   L2 (torch):    Ω(θ) = λ/2 ‖θ‖²             ∇ = λθ                 prox: θ / (1 + tλ)
 *   elastic net:   Ω(θ) = λ1 Σ|θ_i| + λ2 Σθ_i²  ∇ = λ1 sign(θ) + 2λ2θ  prox: soft(θ, tλ1) / (1 + 2tλ2)
 *
 * The torch convention is what an optimizer's `weightDecay: λ` adds to the gradient (λθ); the notes'
 * λΣθ² has gradient 2λθ, so `l2(λ)` equals `weightDecay: 2λ`. sign(0) = 0.
 */
import type { Param } from '@descent/core';
import { penaltyL1L2, softThreshold } from '@descent/kernels';
import { checkLambda, checkStep, type Penalty } from './penalty.js';

class ElasticNet implements Penalty {
  constructor(
    readonly name: string,
    /** coefficient of Σ|θ| */
    private readonly l1: number,
    /** coefficient of Σθ² */
    private readonly sq: number,
  ) {}

  value(p: Param): number {
    return penaltyL1L2(p.value, null, { l1: this.l1, a: this.sq, b: 2 * this.sq });
  }

  addGradient(p: Param): number {
    return penaltyL1L2(p.value, p.gradient, { l1: this.l1, a: this.sq, b: 2 * this.sq });
  }

  prox(p: Param, t: number): void {
    checkStep(t);
    softThreshold(p.value, t * this.l1, 1 / (1 + 2 * t * this.sq));
  }
}

/** L1: λ Σ|θ_i| (lasso). */
export function l1(lambda: number): Penalty {
  checkLambda('L1 lambda', lambda);
  return new ElasticNet(`l1(${lambda})`, lambda, 0);
}

export interface L2Options {
  /** 'notes': λ Σθ² (gradient 2λθ, the default); 'torch': λ/2 ‖θ‖² (gradient λθ = weightDecay λ). */
  convention?: 'notes' | 'torch';
}

/** L2 (ridge): λ Σθ_i² in the notes' convention, or λ/2 ‖θ‖² in torch's. */
export function l2(lambda: number, options: L2Options = {}): Penalty {
  checkLambda('L2 lambda', lambda);
  const convention = options.convention ?? 'notes';
  if (convention !== 'notes' && convention !== 'torch') {
    throw new RangeError(`Invalid L2 convention: ${String(convention)} (expected 'notes' or 'torch')`);
  }
  const sq = convention === 'notes' ? lambda : lambda / 2;
  return new ElasticNet(convention === 'notes' ? `l2(${lambda})` : `l2(${lambda}, torch)`, 0, sq);
}

/** Elastic net: λ1 Σ|θ_i| + λ2 Σθ_i². */
export function elasticNet(l1Lambda: number, l2Lambda: number): Penalty {
  checkLambda('elastic net l1', l1Lambda);
  checkLambda('elastic net l2', l2Lambda);
  return new ElasticNet(`elasticNet(${l1Lambda}, ${l2Lambda})`, l1Lambda, l2Lambda);
}
