/**
 * Optimizer state dicts, PyTorch's shape with our names:
 *
 *   { state: { [paramIndex]: { step: 3, expAvg: Float32Array, ... } },
 *     paramGroups: [{ lr: 0.001, betas: [0.9, 0.999], ..., params: [0, 1] }] }
 *
 * Parameters are referred to by their index in the order of `paramGroups` (as torch does), so a
 * state dict can be loaded into a fresh optimizer over fresh parameters. Typed arrays are copies,
 * so the dict survives `structuredClone` as it is. For JSON, `encodeStateDict` turns every typed
 * array into `{ "$typed": "f32" | "f64", "base64": "..." }` (the little-endian bytes, so a round
 * trip is bit-exact, NaN payloads and -0 included) and `decodeStateDict` turns them back.
 */
export type StateValue = number | boolean | number[] | Float32Array | Float64Array;
export type ParamStateDict = Record<string, StateValue>;

export interface OptimizerStateDict {
  /** The optimizer that wrote it ("Adam"); checked by loadStateDict when present. */
  optimizer?: string;
  state: Record<number, ParamStateDict>;
  paramGroups: Array<Record<string, unknown> & { params: number[] }>;
  /** Steps taken so far (for error messages after a resume); not in torch's format. */
  stepsTaken?: number;
}

interface EncodedTyped {
  $typed: 'f32' | 'f64';
  base64: string;
}

function toBase64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

function fromBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function encodeValue(v: unknown): unknown {
  if (v instanceof Float32Array || v instanceof Float64Array) {
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return {
      $typed: v instanceof Float32Array ? 'f32' : 'f64',
      base64: toBase64(bytes),
    } satisfies EncodedTyped;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return { $number: String(v) };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeValue(x)]));
  }
  return v;
}

function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.$typed === 'f32' || o.$typed === 'f64') {
      const bytes = fromBase64(String(o.base64));
      const copy = new Uint8Array(bytes).buffer;
      return o.$typed === 'f32' ? new Float32Array(copy) : new Float64Array(copy);
    }
    if (typeof o.$number === 'string') return Number(o.$number);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, decodeValue(x)]));
  }
  return v;
}

/** A JSON-safe copy of a state dict (typed arrays as base64, non-finite numbers as strings). */
export function encodeStateDict<T>(sd: T): unknown {
  return encodeValue(sd);
}

/** The inverse of `encodeStateDict`. */
export function decodeStateDict<T = OptimizerStateDict>(encoded: unknown): T {
  return decodeValue(encoded) as T;
}
