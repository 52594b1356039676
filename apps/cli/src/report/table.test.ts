/** Table cells: long messages wrap within the table's width, and nothing of them is lost. */
import { describe, expect, it } from 'vitest';
import { CELL_WIDTH, renderTable, wrapCell } from './table.js';

const scipy = 'Desired error not necessarily achieved due to precision loss.';

describe('table cells', () => {
  it('wraps a long SciPy message at spaces into lines no wider than the cell', () => {
    const lines = wrapCell(scipy).split('\n');
    expect(lines.length).toBeGreaterThan(1);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(CELL_WIDTH);
    expect(lines.join(' ')).toBe(scipy);
  });

  it('breaks a long word after an underscore, keeping every character', () => {
    const lines = wrapCell('ABNORMAL_TERMINATION_IN_LNSRCH', 16).split('\n');
    expect(lines).toEqual(['ABNORMAL_', 'TERMINATION_IN_', 'LNSRCH']);
  });

  it('keeps the table no wider than its head plus the cell width', () => {
    const table = renderTable(['optimizer', 'outcome'], [['bfgs', scipy]]);
    const widest = Math.max(...table.split('\n').map((l) => l.length));
    expect(widest).toBeLessThanOrEqual('│ optimizer │  │'.length + CELL_WIDTH + 2);
  });
});
