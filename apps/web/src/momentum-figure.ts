/**
 * The (α, β) plane of heavy-ball momentum on the quadratic model at the race's start (curvatures
 * μ and L from the Hessian there), Distill style: each point coloured by the rate ρ at which the
 * error shrinks per step (dark = fast, pale = slow, grey = diverges), the edge α = 2(1 + β)/L, the
 * Momentum racer's own (lr, β) and Polyak's best (α*, β*); a click sets the racer's (lr, β).
 * momentum-region.ts has the formulas.
 */
import { heavyBallRate, polyakOptimum } from './momentum-region.js';
import { colourAt, SurfacePlot } from './surface-plot.js';
import { formatNumber } from './ticks.js';

export class MomentumFigure {
  readonly element: HTMLElement;
  private readonly plot = new SurfacePlot(340, 240, 200);
  private readonly caption: HTMLElement;

  constructor() {
    this.element = document.createElement('figure');
    this.element.className = 'momentum-figure';
    this.caption = document.createElement('figcaption');
    this.element.append(this.plot.element, this.caption);
  }

  /** Calls `pick(α, β)` when the plane is clicked (β kept below 1). */
  onPick(pick: (alpha: number, beta: number) => void): void {
    this.plot.onPick((alpha, beta) => pick(alpha, Math.min(0.99, Math.max(0, beta))));
  }

  /**
   * Redraws the plane for curvatures [μ, L] with the racer at (lr, β), and its copies (dots in their
   * own colours); hidden where L is not positive.
   */
  update(
    L: number,
    mu: number,
    lr: number,
    beta: number,
    copies: { label: string; colour: string; lr: number; beta: number }[] = [],
  ): void {
    this.element.hidden = !(L > 0 && Number.isFinite(L));
    if (this.element.hidden) return;
    const m = Math.max(mu, L * 1e-6);
    const alphaMax = 4 / L; // the edge 2(1 + β)/L at β = 1
    this.plot.paint(
      [
        [0, alphaMax],
        [0, 1],
      ],
      (i, j, nx, ny) => {
        const alpha = ((i + 0.5) / nx) * alphaMax;
        const b = (j + 0.5) / ny;
        const rho = heavyBallRate(alpha, b, L, m);
        return rho < 1 ? colourAt(rho ** 3) : [222, 226, 230];
      },
    );
    const edge = Array.from({ length: 21 }, (_, k) => [(2 * (1 + k / 20)) / L, k / 20]);
    this.plot.polyline(edge, '#c92a2a').setAttribute('class', 'edge');
    const best = polyakOptimum(L, m);
    this.plot.marker(
      best.alpha,
      best.beta,
      'minimum',
      `best: α* = ${formatNumber(best.alpha)}, β* = ${formatNumber(best.beta)}`,
    );
    for (const c of copies) {
      if (!(c.lr > 0 && c.lr <= alphaMax)) continue;
      const rate = heavyBallRate(c.lr, c.beta, L, m);
      const dot = this.plot.marker(
        c.lr,
        c.beta,
        'copy',
        `${c.label}: lr ${formatNumber(c.lr)}, β ${formatNumber(c.beta)}, ρ = ${formatNumber(rate, 3)}`,
      );
      dot.querySelector('circle')!.style.fill = c.colour;
    }
    const rho = heavyBallRate(lr, beta, L, m);
    const inside = lr > 0 && lr <= alphaMax;
    if (inside)
      this.plot.marker(lr, beta, 'probe', `Momentum: lr ${formatNumber(lr)}, β ${formatNumber(beta)}`);
    this.caption.textContent =
      `Heavy-ball momentum on the quadratic with the curvatures at the start (μ = ${formatNumber(mu, 3)}, ` +
      `L = ${formatNumber(L, 3)}): x is the learning rate α, y the momentum β; darker shrinks the error faster ` +
      `per step, grey diverges (right of the red edge α = 2(1+β)/L). ` +
      (inside ? 'The ring is your Momentum racer: ' : 'Your Momentum racer (off this plot): ') +
      `ρ = ${formatNumber(rho, 3)} per step${rho >= 1 ? ', diverging' : ''}. ` +
      `The triangle is Polyak's best, α* = ${formatNumber(best.alpha, 3)}, β* = ${formatNumber(best.beta, 3)}: ` +
      `ρ* = ${formatNumber(best.rate, 3)} = (√κ − 1)/(√κ + 1), κ = L/μ.` +
      (copies.length > 0 ? ' The dots are its copies, in their colours.' : '');
    this.caption.dataset.rate = String(rho);
  }
}
