import { describe, expect, it } from 'vitest';
import { approximately, blocksOf, problemsOf, render } from './index.js';

const md = [
  '# Title',
  '```ts',
  "import { twice } from 'lib';",
  'console.log(twice(2)); // → 4',
  'console.log(twice(0.05)); // ≈ 0.1 — a note',
  '```',
  '## Async',
  '  ```js',
  '  await Promise.resolve();',
  '  console.log([1, 2]); // → [1, 3]',
  '  ```',
  '```sh',
  'not code we run',
  '```',
].join('\n');
const lib = { lib: { twice: (x: number) => 2 * x } };

describe('the Markdown block checker', () => {
  it('finds the ts and js blocks, indented ones too, with their heading and first line', () => {
    const blocks = blocksOf(md);
    expect(blocks.map((b) => [b.heading, b.line, b.lang])).toEqual([
      ['Title', 3, 'ts'],
      ['Async', 9, 'js'],
    ]);
  });

  it('passes a block that prints what its comments say', async () => {
    expect(await problemsOf(blocksOf(md)[0], lib)).toEqual([]);
  });

  it('names the line of a block that prints something else (top-level await runs)', async () => {
    expect(await problemsOf(blocksOf(md)[1], lib)).toEqual([
      'README line 10: printed "[1, 2]", the text says → "[1, 3]"',
    ]);
  });

  it('takes a check comment standing alone on the line after the console.log', async () => {
    const [block] = blocksOf(
      "```ts\nconsole.log('a long line');\n// → a long line\nconsole.log(1);\n// ≈ 3\n```",
    );
    expect(await problemsOf(block, {})).toEqual(['README line 4: printed "1", the text says ≈ "3"']);
  });

  it('refuses a block that checks nothing and one that imports an unmapped module', async () => {
    const [silent] = blocksOf('```ts\nconst a = 1;\n```');
    expect(await problemsOf(silent, {})).toEqual(['README line 2: the block checks no printed line']);
    const [other] = blocksOf("```ts\nimport { x } from 'elsewhere';\nconsole.log(x); // → 1\n```");
    await expect(problemsOf(other, {})).rejects.toThrow('block imports elsewhere');
  });

  it('accepts numbers within one unit of the last written digit and nothing else', () => {
    expect(approximately('loss 0.1234', 'loss 0.12')).toBe(true);
    expect(approximately('loss 0.1334', 'loss 0.12')).toBe(false);
    expect(approximately('3.9 steps', '3 steps')).toBe(true);
    expect(approximately('1.5e-7', '1e-7')).toBe(true);
    expect(approximately('3e-7', '1e-7')).toBe(false);
    expect(approximately('gain 0.12', 'loss 0.12')).toBe(false);
  });

  it('renders arrays and typed arrays as [a, b]', () => {
    expect(render([1, 'x', new Float64Array([0.5, 2])])).toBe('[1, x, [0.5, 2]]');
  });
});
