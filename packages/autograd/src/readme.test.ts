/**
 * Runs every ```ts block of the README and checks what it prints.
 *
 * A block is transpiled by TypeScript (to CommonJS, no type check) and run with `require` mapped
 * to the modules this test imports (`@descent/autograd` is this package's source). A line
 *
 *   console.log(a, b); // → text     must print exactly `text`
 *   console.log(a, b); // ≈ text     must print `text` with every number within one unit of the
 *                                    last digit written (0.12 accepts 0.11..0.13, 3 accepts 2..4)
 *
 * (its last call counts, for lines in loops; a note after " — " is not checked). Printed values are joined by spaces; arrays and
 * typed arrays print as [1, 2, 3], strings as themselves. Every block must check at least one line,
 * so an example that stops printing what the README says fails here. The blocks are also
 * type-checked (strict, as the package) against this package's source and its dependencies' types.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as core from '@descent/core';
import * as kernels from '@descent/kernels';
import * as schedulers from '@descent/schedulers';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as autograd from './index.js';

const modules: Record<string, unknown> = {
  '@descent/autograd': autograd,
  '@descent/core': core,
  '@descent/kernels': kernels,
  '@descent/schedulers': schedulers,
};

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

interface Block {
  heading: string;
  line: number;
  code: string;
}

function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,4}\s+(.*)$/.exec(lines[i]);
    if (h) heading = h[1];
    if (lines[i].trim() !== '```ts') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    blocks.push({ heading, line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

interface Expectation {
  line: number;
  mode: '→' | '≈';
  text: string;
}

/** Rewrites `console.log(` on checked lines to `__check(id, ` and collects what they must print. */
function instrument(code: string): { source: string; expectations: Expectation[] } {
  const expectations: Expectation[] = [];
  const lines = code.split('\n').map((line, i) => {
    const m = /^(.*?)console\.log\((.*)\/\/ ([→≈]) (.*)$/.exec(line);
    if (!m) return line;
    expectations.push({ line: i + 1, mode: m[3] as '→' | '≈', text: m[4].split(' — ')[0].trim() });
    return `${m[1]}__check(${expectations.length - 1}, ${m[2]}`;
  });
  return { source: lines.join('\n'), expectations };
}

function render(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) || ArrayBuffer.isView(v))
    return `[${Array.from(v as ArrayLike<unknown>, render).join(', ')}]`;
  return String(v);
}

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;

/** Same text between the numbers; each number within one unit of the expected one's last digit. */
function approximately(actual: string, expected: string): boolean {
  const words = (s: string) => s.replace(NUMBER, '#');
  if (words(actual) !== words(expected)) return false;
  const a = actual.match(NUMBER) ?? [];
  const e = expected.match(NUMBER) ?? [];
  return e.every((text, i) => {
    const mantissa = text.toLowerCase().split('e');
    const decimals = mantissa[0].split('.')[1]?.length ?? 0;
    const unit = 10 ** (-decimals + Number(mantissa[1] ?? 0));
    return Math.abs(Number(a[i]) - Number(text)) <= unit * (1 + 1e-9);
  });
}

function run(block: Block): { printed: (string | undefined)[]; expectations: Expectation[] } {
  const { source, expectations } = instrument(block.code);
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const printed: (string | undefined)[] = expectations.map(() => undefined);
  const check = (id: number, ...args: unknown[]) => {
    printed[id] = args.map(render).join(' ');
  };
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`README block imports ${name}, which the test does not map`);
    return modules[name];
  };
  const quiet = { ...console, log: () => {} };
  new Function('require', 'exports', '__check', 'console', js)(require, {}, check, quiet);
  return { printed, expectations };
}

const blocks = blocksOf(readme);

/** TypeScript's errors in the blocks, each as `block N line L: message`. */
function typeErrors(list: readonly Block[]): string[] {
  const src = dirname(fileURLToPath(import.meta.url));
  const config = join(src, '..', 'tsconfig.json');
  const parsed = ts.parseJsonConfigFileContent(
    ts.readConfigFile(config, ts.sys.readFile).config,
    ts.sys,
    dirname(config),
  );
  const options: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    paths: { '@descent/autograd': [join(src, 'index.ts')] },
  };
  const files = new Map(
    list.map((b, i) => [join(src, `readme-block-${i + 1}.ts`), `${b.code}\nexport {};\n`]),
  );
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, language, ...rest) => {
    const text = files.get(f);
    return text === undefined
      ? getSourceFile.call(host, f, language, ...rest)
      : ts.createSourceFile(f, text, language);
  };
  const program = ts.createProgram([...files.keys()], options, host);
  const names = [...files.keys()];
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => {
      const file = d.file as ts.SourceFile;
      const { line } = file.getLineAndCharacterOfPosition(d.start ?? 0);
      const block = list[names.indexOf(file.fileName)];
      return `README line ${block.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}

describe('README', () => {
  it('has runnable examples (the ten-line model, minimize, the spectrum and the reference sections)', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });

  it('has examples that type-check (strict) against the package and its dependencies', () => {
    expect(typeErrors(blocks)).toEqual([]);
  });

  for (const [i, block] of blocks.entries()) {
    it(`block ${i + 1} (line ${block.line}, "${block.heading}") prints what the README says`, () => {
      const { printed, expectations } = run(block);
      expect(expectations.length, 'a block checks at least one printed line').toBeGreaterThan(0);
      for (const [k, e] of expectations.entries()) {
        const where = `README line ${block.line + e.line - 1}`;
        expect(printed[k], `${where} never printed`).toBeDefined();
        if (e.mode === '→') expect(printed[k], where).toBe(e.text);
        else {
          const close = approximately(printed[k] as string, e.text);
          expect(close, `${where}: ${printed[k]} ≉ ${e.text}`).toBe(true);
        }
      }
    });
  }
});

describe('the README checker', () => {
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
