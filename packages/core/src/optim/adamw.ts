/**
 * AdamW (Loshchilov & Hutter, 2019), PyTorch's `torch.optim.AdamW`: Adam with decoupled weight
 * decay. Per step t (η lr, λ weightDecay; the rest as in Adam, see adam.ts):
 *
 *   θ_{t-1} ← (1 - ηλ) θ_{t-1}                  decoupled decay, before the Adam update
 *   m_t, v_t, (v̂max_t) as in Adam, from the raw gradient (no λθ added)
 *   θ_t = θ_{t-1} - η/(1 - β1^t) · m_t / (√v_t / √(1 - β2^t) + ε)
 *
 * The course notes' "weight decay" w ← (1 - ηλ) w - η ∇L is this decoupled form: the decay does
 * not pass through the adaptive denominator, unlike Adam's weightDecay (L2, coupled), where a
 * large-gradient coordinate is barely decayed. notes-forms.test.ts checks AdamW against that rule
 * written out.
 *
 * Default weightDecay: 1e-2, as in torch (1.13 and current). optax's adamw defaults to 1e-4; we
 * follow torch, so a torch recipe ports without surprises. Everything else as Adam; the fused path
 * is Adam's kernel with decay = 1 - ηλ.
 */
import { Adam, type AdamOptions } from './adam.js';

export type AdamWOptions = AdamOptions;

export class AdamW extends Adam {
  protected static override displayName = 'AdamW';
  protected static override decoupled = true;
}
