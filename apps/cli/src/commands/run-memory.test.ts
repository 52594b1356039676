/**
 * `descent run` keeps bounded memory however many steps it runs: 10⁶ gradient-descent steps fit a
 * 48 MB JavaScript heap (keeping every iterate needed over 100 MB and died), and the trajectory it
 * prints is every 128th step (the smallest power-of-two stride leaving <= 10,001 samples) plus the last.
 */
import { describe, expect, it } from 'vitest';
import { descent, json } from '../test-support/descent.js';

describe('descent run --steps 1000000', () => {
  it('runs in a 48 MB heap and prints an evenly thinned trajectory ending at the last step', async () => {
    const r = await descent(
      [
        'run',
        '--problem',
        'rosenbrock',
        '--optimizer',
        'gd',
        '--lr',
        '1e-4',
        '--gtol',
        '0',
        '--steps',
        '1000000',
        '--json',
      ],
      { nodeArgs: ['--max-old-space-size=48'] },
    );
    expect(r.code, r.stderr.slice(0, 500)).toBe(0);
    const out = json<{ nit: number; trajectory: { step: number; f: number }[] }>(r);
    expect(out.nit).toBe(1_000_000);
    const steps = out.trajectory.map((t) => t.step);
    // 10⁶ / 64 = 15,625 samples > 10,001; 10⁶ / 128 = 7,812.5: multiples of 128 up to 999,936, then 10⁶
    expect(steps.length).toBe(7814);
    steps.slice(0, -1).forEach((k, i) => {
      expect(k).toBe(128 * i);
    });
    expect(steps[steps.length - 1]).toBe(1_000_000);
  });
});
