/**
 * The trained network's landscape (landscape.ts computes it in the worker): three small SVG
 * figures (landscape-draw.ts draws them with d3, fetched when the first landscape arrives, so the
 * first paint carries none of it), their captions, and a paragraph on what they show.
 */
import type { Landscape } from './landscape.js';
import { svg } from './surface-plot.js';
import { formatNumber } from './ticks.js';

function frame(width: number, height: number, id: string): SVGSVGElement {
  const el = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'landscape-chart', id });
  el.style.aspectRatio = `${width} / ${height}`;
  return el;
}

export class LandscapeFigure {
  readonly element = document.createElement('div');
  /** Bumped by clear() and show(): a show overtaken while it waited draws nothing. */
  private version = 0;
  private readonly slice = frame(300, 190, 'landscape-1d');
  private readonly surface = frame(300, 230, 'landscape-2d');
  private readonly spectrum = frame(300, 120, 'hessian-eigenvalues');
  private readonly words = Object.assign(document.createElement('p'), {
    className: 'explain landscape-words',
  });
  readonly status = Object.assign(document.createElement('p'), {
    className: 'landscape-status muted',
    role: 'status',
  });

  constructor() {
    this.element.className = 'landscape';
    const figure = (el: SVGSVGElement, caption: string) => {
      const f = document.createElement('figure');
      const c = document.createElement('figcaption');
      c.textContent = caption;
      f.append(el, c);
      return f;
    };
    const figures = document.createElement('div');
    figures.className = 'landscape-figures';
    figures.append(
      figure(this.slice, 'Loss along one random direction (α = 0: the trained network)'),
      figure(this.surface, 'Loss over a random plane (log₁₀ levels; the dot: the trained network)'),
      figure(this.spectrum, "The Hessian's largest and smallest eigenvalues"),
    );
    this.element.append(this.status, figures, this.words);
  }

  /** Empties the figures, saying why. */
  clear(message: string): void {
    this.version++;
    for (const el of [this.slice, this.surface, this.spectrum]) el.replaceChildren();
    this.words.textContent = '';
    this.status.textContent = message;
    this.element.dataset.state = 'empty';
  }

  /** Draws `l` (after the drawing module has loaded); the figure's data-state is "done" then. */
  async show(l: Landscape): Promise<void> {
    const version = ++this.version;
    const draw = await import('./landscape-draw.js');
    // cleared (a new run began) while the drawing module loaded
    if (version !== this.version) return;
    this.status.textContent = '';
    draw.drawSlice(this.slice, l);
    draw.drawSurface(this.surface, l);
    draw.drawSpectrum(this.spectrum, l);
    const top = l.largest[0];
    const bottom = l.smallest[0];
    const at0 = l.losses[Math.floor(l.losses.length / 2)];
    const lowest = Math.min(...l.losses);
    this.words.textContent =
      `What you see: the ${l.parameters} weights of the trained network are a point in a ${l.parameters}-dimensional space, ` +
      'and these figures cut that space along random directions through it, each scaled unit by unit to the size of the ' +
      "network's own weights (Li et al., 2018), so α = 1 changes every weight by about its own size. " +
      (at0 <= lowest * 1.0001
        ? 'The trained network sits at the bottom of the slice: no nearby point along it is lower. '
        : 'Along this direction a nearby point is a little lower: training has not settled in a minimum yet. ') +
      'A wide, flat valley means small changes to the weights barely matter, which tends to go with a network that ' +
      `generalises; a narrow pit means the opposite. The curvature says the same in numbers: λ_max = ${formatNumber(top, 3)} ` +
      `is the steepest upward curvature at this point, so plain gradient descent with a learning rate above 2/λ_max = ${formatNumber(2 / top, 3)} ` +
      'would bounce out of it. ' +
      (bottom < -1e-2 * Math.abs(top)
        ? `λ_min = ${formatNumber(bottom, 3)} is negative: along that direction the loss still curves down, so this is a saddle-like point, not yet a minimum.`
        : `λ_min = ${formatNumber(bottom, 3)} is about zero next to λ_max: most directions are nearly flat and a few are steep, as is typical of trained networks.`);
    this.element.dataset.state = 'done';
    this.element.dataset.lambdaMax = String(top);
  }
}
