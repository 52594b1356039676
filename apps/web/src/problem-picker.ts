/**
 * Choosing the function to look at: every two-dimensional problem of @descent/core's zoo (with its
 * standard start and plotting box), or a formula typed by the user on [−r, r]² (problem-spec.ts).
 * `spec()` names the choice (for the worker and the URL); `current()` resolves it, asynchronously
 * because a formula needs the mathjs chunk the first time.
 */
import type { Problem } from '@descent/core';
import {
  loadExpressionModule,
  type ProblemSpec,
  resolveProblem,
  twoDimensionalProblems,
} from './problem-spec.js';
import type { Domain } from './surface.js';

export const EXPRESSION = 'expression';

export class ProblemPicker {
  readonly element: HTMLElement;
  readonly select: HTMLSelectElement;
  readonly expression: HTMLInputElement;
  readonly radius: HTMLInputElement;
  private readonly expressionRow: HTMLElement;
  /** calls of current() so far: a call answers only if no later one began before it resolved */
  private calls = 0;

  constructor(initial: string, initialExpression = 'x^4 - 2*x^2 + y^2 + 0.3*x*y') {
    this.element = document.createElement('div');
    this.element.className = 'problem-picker';
    this.select = document.createElement('select');
    this.select.name = 'problem';
    for (const name of twoDimensionalProblems)
      this.select.add(new Option(name, name, false, name === initial));
    this.select.add(new Option('your formula…', EXPRESSION));
    this.expression = Object.assign(document.createElement('input'), {
      name: 'expression',
      value: initialExpression,
      spellcheck: false,
      autocomplete: 'off',
    });
    this.expression.classList.add('formula');
    this.radius = Object.assign(document.createElement('input'), {
      name: 'radius',
      type: 'number',
      value: '3',
      min: '0',
      step: 'any',
    });
    const label = document.createElement('label');
    label.append('Function ', this.select);
    const formula = document.createElement('label');
    formula.append('f(x, y) = ', this.expression);
    const radius = document.createElement('label');
    radius.append('on [−r, r]², r = ', this.radius);
    this.expressionRow = document.createElement('span');
    this.expressionRow.className = 'expression-row';
    this.expressionRow.append(formula, ' ', radius);
    this.element.append(label, this.expressionRow);
    this.select.addEventListener('change', () => this.sync());
    this.sync();
  }

  /** Shows the formula's inputs when "your formula…" is chosen, and starts fetching its module. */
  private sync(): void {
    this.expressionRow.hidden = this.select.value !== EXPRESSION;
    // a failure is reported by current()
    if (this.select.value === EXPRESSION) loadExpressionModule().catch(() => {});
  }

  /** Calls `changed` whenever the choice or the formula changes. */
  onChange(changed: () => void): void {
    this.select.addEventListener('change', changed);
    this.expression.addEventListener('change', changed);
    this.radius.addEventListener('change', changed);
  }

  /** The choice, by name: a zoo problem or the formula and r as typed (checked by resolveProblem). */
  spec(): ProblemSpec {
    if (this.select.value !== EXPRESSION) return { name: this.select.value };
    const r = this.radius.value.trim() === '' ? Number.NaN : Number(this.radius.value);
    return { expression: this.expression.value, radius: r };
  }

  /** Shows the choice `spec` in the inputs (a zoo name or a formula), without calling onChange. */
  setSpec(spec: ProblemSpec): void {
    if ('name' in spec) this.select.value = spec.name;
    else {
      this.select.value = EXPRESSION;
      this.expression.value = spec.expression;
      this.radius.value = String(spec.radius);
    }
    this.sync();
  }

  /**
   * The chosen problem and its plotting box; rejects with a RangeError (or the formula's
   * SyntaxError) with a readable message. A formula waits for @descent/core/expression the first
   * time: if current() is called again meanwhile (the user chose something else), this call
   * resolves to undefined, error or not, and only the newest choice is shown.
   */
  async current(): Promise<{ problem: Problem; domain: Domain; spec: ProblemSpec } | undefined> {
    const call = ++this.calls;
    const spec = this.spec();
    try {
      const chosen = await resolveProblem(spec);
      return call === this.calls ? { ...chosen, spec } : undefined;
    } catch (e) {
      if (call === this.calls) throw e;
      return undefined;
    }
  }
}
