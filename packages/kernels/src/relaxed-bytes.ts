/**
 * Where the relaxed-SIMD build's bytes come from (wasm.ts chooses between the builds). The relaxed
 * build is as large as the plain one (about 240 kB of base64), so a bundle that imported both
 * statically would ship both: the page's compute worker grew from 472 kB to 725 kB that way. So
 * the relaxed bytes are never imported statically:
 *
 * - In Node they are read synchronously, on first need, from the generated module beside this one
 *   (`generated/kernels-wasm-relaxed.js`, via `process.getBuiltinModule('node:fs')`), so `wasm()`
 *   stays synchronous and Node picks the relaxed build by itself when the engine has it.
 * - Elsewhere (browsers, bundles) `await loadRelaxedSimd()` before the first kernel call: if the
 *   engine validates relaxed SIMD (a 37-byte probe module), it imports the generated module, which
 *   a bundler splits into a chunk of its own, fetched only then. Without that call the plain build
 *   is used, as before.
 */

let base64: string | undefined;
let readTried = false;

/** A module whose one function is `f32x4.relaxed_madd` of its three v128 parameters. */
// biome-ignore format: one section a line
const PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x08, 0x01, 0x60, 0x03, 0x7b, 0x7b, 0x7b, 0x01, 0x7b, // type: (v128 v128 v128) -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x00, 0x20, 0x01, 0x20, 0x02, 0xfd, 0x85, 0x02, 0x0b, // its body
]);

/** Whether this engine validates relaxed SIMD (without needing the relaxed build's bytes). */
export function relaxedSimdProbe(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(PROBE);
}

/** The generated module's base64, read from the file beside this module (Node only; else undefined). */
function readBeside(): string | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const fs = proc?.getBuiltinModule?.('node:fs') as typeof import('node:fs') | undefined;
  if (!fs) return undefined;
  // .js beside dist/relaxed-bytes.js; .ts beside src/relaxed-bytes.ts when tests run the sources.
  // The path is a variable so that bundlers do not turn `new URL(..., import.meta.url)` into an asset.
  for (const file of ['./generated/kernels-wasm-relaxed.js', './generated/kernels-wasm-relaxed.ts']) {
    try {
      const match = /'([A-Za-z0-9+/=]+)'/.exec(fs.readFileSync(new URL(file, import.meta.url), 'utf8'));
      if (match) return match[1];
    } catch {
      // not there: try the next, then give up (the plain build serves)
    }
  }
  return undefined;
}

/** The relaxed build's base64 if it is at hand synchronously (Node, or after `loadRelaxedSimd()`). */
export function relaxedBase64(): string | undefined {
  if (base64 === undefined && !readTried) {
    readTried = true;
    base64 = readBeside();
  }
  return base64;
}

/**
 * Makes the relaxed-SIMD build available to `wasm()` where the engine supports it, fetching its
 * bytes (a chunk of their own in a bundle) only then. Call it before the first kernel call; the
 * result says whether the relaxed build is now available. In Node it is not needed.
 */
export async function loadRelaxedSimd(): Promise<boolean> {
  if (!relaxedSimdProbe()) return false;
  if (relaxedBase64() === undefined) {
    const m = await import('./generated/kernels-wasm-relaxed.js');
    base64 = m.kernelsWasmRelaxedBase64;
  }
  return true;
}
