/**
 * Choosing the function to look at: every two-dimensional problem of @descent/core's zoo
 * (`listProblems`/`getProblem`, with its description, standard start and plotting box), or a
 * formula typed by the user (`fromExpression`, differentiated symbolically, on [-r, r]^2).
 *
 * fromExpression comes from `@descent/core/expression`, imported dynamically: it brings mathjs,
 * most of the page's JavaScript, which Vite puts in a chunk of its own that is fetched only when
 * "your formula…" is chosen. So `current()` is asynchronous.
 */
import { getProblem, listProblems, type Problem } from '@descent/core';
import type { Domain } from './surface.js';

export const EXPRESSION = 'expression';

type ExpressionModule = typeof import('@descent/core/expression');
let expressionModule: Promise<ExpressionModule> | undefined;

/** `@descent/core/expression`, fetched once (a failed fetch is tried again at the next call). */
export function loadExpressionModule(): Promise<ExpressionModule> {
  expressionModule ??= import('@descent/core/expression').catch((e: unknown) => {
    expressionModule = undefined;
    throw e;
  });
  return expressionModule;
}

/** The zoo's problems of dimension 2, by name. */
export const twoDimensionalProblems: string[] = listProblems().filter((name) => getProblem(name).dim === 2);

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
      size: 28,
      spellcheck: false,
    });
    this.radius = Object.assign(document.createElement('input'), {
      name: 'radius',
      type: 'number',
      value: '3',
      min: '0',
      step: 'any',
    });
    this.radius.style.width = '4em';
    const label = document.createElement('label');
    label.append('Function ', this.select);
    this.expressionRow = document.createElement('span');
    this.expressionRow.className = 'expression-row';
    this.expressionRow.append(' f(x, y) = ', this.expression, ' on [−r, r]², r = ', this.radius);
    this.element.append(label, this.expressionRow);
    const sync = () => {
      this.expressionRow.hidden = this.select.value !== EXPRESSION;
      // start fetching while the user types; a failure is reported by current()
      if (this.select.value === EXPRESSION) loadExpressionModule().catch(() => {});
    };
    this.select.addEventListener('change', sync);
    sync();
  }

  /** Calls `changed` whenever the choice or the formula changes. */
  onChange(changed: () => void): void {
    this.select.addEventListener('change', changed);
    this.expression.addEventListener('change', changed);
    this.radius.addEventListener('change', changed);
  }

  /**
   * The chosen problem and its plotting box; rejects with a RangeError (or the formula's
   * SyntaxError) with a readable message. A formula waits for @descent/core/expression the first
   * time: if current() is called again meanwhile (the user chose something else), this call
   * resolves to undefined, error or not, and only the newest choice is shown.
   */
  async current(): Promise<{ problem: Problem; domain: Domain } | undefined> {
    const call = ++this.calls;
    try {
      const chosen = await this.choose();
      return call === this.calls ? chosen : undefined;
    } catch (e) {
      if (call === this.calls) throw e;
      return undefined;
    }
  }

  private async choose(): Promise<{ problem: Problem; domain: Domain }> {
    if (this.select.value !== EXPRESSION) {
      const problem = getProblem(this.select.value);
      return { problem, domain: problem.domain as Domain };
    }
    const r = Number(this.radius.value);
    if (!(r > 0) || !Number.isFinite(r))
      throw new RangeError(`Invalid r: ${this.radius.value} (expected r > 0)`);
    const domain: Domain = [
      [-r, r],
      [-r, r],
    ];
    const text = this.expression.value;
    const { fromExpression } = await loadExpressionModule();
    // parsed once without a box to count the variables, so that the message names them
    const { dim, variables } = fromExpression(text);
    if (dim !== 2) {
      throw new RangeError(
        `The formula has ${dim} variable${dim === 1 ? '' : 's'} (${variables.join(', ')}); the plot needs two`,
      );
    }
    return { problem: fromExpression(text, { domain, x0: [r / 2, r / 3] }), domain };
  }
}
