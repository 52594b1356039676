/**
 * Runs the ```ts and ```js blocks of a Markdown file (a package README, a guide) and checks what
 * they print, so an example that stops working or stops printing what the text says fails a test.
 * A fence with more after the language (```js [TensorFlow.js], for another library's code) is not run.
 *
 * A block is transpiled by TypeScript (to CommonJS, no type check) and run as the body of an async
 * function (top-level `await` works) with `require` mapped to the modules the caller gives. A line
 *
 *   console.log(a, b); // → text     must print exactly `text`
 *   console.log(a, b); // ≈ text     must print `text` with every number within one unit of the
 *                                    last digit written (0.12 accepts 0.11..0.13, 3 accepts 2..4)
 *
 * (its last call counts, for lines in loops; a note after " — " is not checked). Printed values are
 * joined by spaces; arrays and typed arrays print as [1, 2, 3], strings as themselves. Other
 * `console.log` calls print nothing. `typeErrors` type-checks the ```ts blocks (strict, with the
 * caller's tsconfig) against the package's source.
 *
 * This is `@descent/autograd`'s readme.test.ts, factored out: a dev-only workspace package with no
 * dependency on any descent package, so every package can use it without a cycle.
 */
import { dirname, join } from 'node:path';
import ts from 'typescript';

export interface Block {
  /** The nearest heading above the block. */
  heading: string;
  /** 1-based line of the block's first code line in the Markdown file. */
  line: number;
  lang: 'ts' | 'js';
  code: string;
}

/** The ```ts and ```js blocks of `markdown` (indented ones too, as in list items). */
export function blocksOf(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,4}\s+(.*)$/.exec(lines[i]);
    if (h) heading = h[1];
    const open = /^\s*```(ts|js|typescript|javascript)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end].trim() !== '```') end++;
    const lang = open[1].startsWith('t') ? 'ts' : 'js';
    blocks.push({ heading, line: start + 1, lang, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

export interface Expectation {
  /** 1-based line inside the block. */
  line: number;
  mode: '→' | '≈';
  text: string;
}

/**
 * Rewrites `console.log(` on checked lines to `__check(id, ` and collects what they must print.
 * The comment may also stand alone on the next line, for a long one: `console.log(x);` then `// → text`.
 */
export function instrument(code: string): { source: string; expectations: Expectation[] } {
  const expectations: Expectation[] = [];
  const input = code.split('\n');
  const lines = input.map((line, i) => {
    let m = /^(.*?)console\.log\((.*)\/\/ ([→≈]) (.*)$/.exec(line);
    if (!m) {
      const next = /^\s*\/\/ ([→≈]) (.*)$/.exec(input[i + 1] ?? '');
      const call = /^(.*?)console\.log\((.*)$/.exec(line);
      if (!next || !call) return line;
      m = [line, call[1], call[2], next[1], next[2]] as unknown as RegExpExecArray;
    }
    expectations.push({ line: i + 1, mode: m[3] as '→' | '≈', text: m[4].split(' — ')[0].trim() });
    return `${m[1]}__check(${expectations.length - 1}, ${m[2]}`;
  });
  return { source: lines.join('\n'), expectations };
}

/** How a checked value prints: strings as themselves, arrays and typed arrays as [a, b]. */
export function render(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) || ArrayBuffer.isView(v))
    return `[${Array.from(v as ArrayLike<unknown>, render).join(', ')}]`;
  return String(v);
}

const NUMBER = /-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi;

/** Same text between the numbers; each number within one unit of the expected one's last digit. */
export function approximately(actual: string, expected: string): boolean {
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

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...args: unknown[]) => Promise<void>;

/** Runs a block; `modules` maps every import the block may make. */
export async function runBlock(
  block: Block,
  modules: Record<string, unknown>,
): Promise<{ printed: (string | undefined)[]; expectations: Expectation[] }> {
  const { source, expectations } = instrument(block.code);
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    reportDiagnostics: false,
  }).outputText;
  const printed: (string | undefined)[] = expectations.map(() => undefined);
  const check = (id: number, ...args: unknown[]) => {
    printed[id] = args.map(render).join(' ');
  };
  const require = (name: string) => {
    if (!(name in modules)) throw new Error(`block imports ${name}, which the test does not map`);
    return modules[name];
  };
  const quiet = { ...console, log: () => {} };
  await new AsyncFunction('require', 'exports', '__check', 'console', js)(require, {}, check, quiet);
  return { printed, expectations };
}

/**
 * Runs a block and returns what is wrong with it: a line that never printed, printed something
 * else, or a block that checks nothing. An empty list means the block does what the text says.
 */
export async function problemsOf(
  block: Block,
  modules: Record<string, unknown>,
  file = 'README',
): Promise<string[]> {
  const { printed, expectations } = await runBlock(block, modules);
  if (expectations.length === 0) return [`${file} line ${block.line}: the block checks no printed line`];
  const problems: string[] = [];
  for (const [k, e] of expectations.entries()) {
    const where = `${file} line ${block.line + e.line - 1}`;
    const got = printed[k];
    if (got === undefined) problems.push(`${where} never printed`);
    else if (e.mode === '→' ? got !== e.text : !approximately(got, e.text))
      problems.push(
        `${where}: printed ${JSON.stringify(got)}, the text says ${e.mode} ${JSON.stringify(e.text)}`,
      );
  }
  return problems;
}

export interface TypeCheckOptions {
  /** The tsconfig.json whose options apply (strict, as the package). */
  tsconfig: string;
  /** Module names to source files, e.g. { '@descent/core': '/…/packages/core/src/index.ts' }. */
  paths?: Record<string, string>;
  /** Where the virtual block files live (module resolution starts there). */
  dir?: string;
  file?: string;
}

/** TypeScript's errors in the ```ts blocks, each as `README line L: message`. */
export function typeErrors(list: readonly Block[], options: TypeCheckOptions): string[] {
  const tsBlocks = list.filter((b) => b.lang === 'ts');
  const parsed = ts.parseJsonConfigFileContent(
    ts.readConfigFile(options.tsconfig, ts.sys.readFile).config,
    ts.sys,
    dirname(options.tsconfig),
  );
  const compilerOptions: ts.CompilerOptions = {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    declarationMap: false,
    paths: Object.fromEntries(Object.entries(options.paths ?? {}).map(([k, v]) => [k, [v]])),
  };
  const dir = options.dir ?? dirname(options.tsconfig);
  const files = new Map(
    tsBlocks.map((b, i) => [join(dir, `md-block-${i + 1}.ts`), `${b.code}\nexport {};\n`]),
  );
  const host = ts.createCompilerHost(compilerOptions);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => files.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, language, ...rest) => {
    const text = files.get(f);
    return text === undefined
      ? getSourceFile.call(host, f, language, ...rest)
      : ts.createSourceFile(f, text, language);
  };
  const program = ts.createProgram([...files.keys()], compilerOptions, host);
  const names = [...files.keys()];
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && files.has(d.file.fileName))
    .map((d) => {
      const file = d.file as ts.SourceFile;
      const { line } = file.getLineAndCharacterOfPosition(d.start ?? 0);
      const block = tsBlocks[names.indexOf(file.fileName)];
      return `${options.file ?? 'README'} line ${block.line + line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}
