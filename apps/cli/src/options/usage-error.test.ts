import { describe, expect, it } from 'vitest';
import { closestName, editDistance, unknownNameError } from './usage-error.js';

describe('suggestions for unknown names', () => {
  it.each([
    ['', 'abc', 3],
    ['kitten', 'sitting', 3],
    ['adam', 'adam', 0],
    ['adma', 'adam', 2],
    ['flaw', 'lawn', 2],
  ])('editDistance(%j, %j) = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it('suggests the closest known name for a typo, and nothing for a different word', () => {
    const known = ['gd', 'momentum', 'nesterov', 'adam', 'adamw', 'lbfgs', 'newton'];
    expect(closestName('adma', known)).toBe('adam');
    expect(closestName('Nesterof', known)).toBe('nesterov');
    expect(closestName('lbgfs', known)).toBe('lbfgs');
    expect(closestName('conjugate-gradient', known)).toBeUndefined();
  });

  it('names the kind, the name, the guess and the known names', () => {
    expect(unknownNameError('problem', 'rosenbrok', ['booth', 'rosenbrock']).message).toBe(
      'Unknown problem "rosenbrok" (did you mean "rosenbrock"? known: booth, rosenbrock)',
    );
  });
});
