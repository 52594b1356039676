/**
 * The safetensors format (Hugging Face), for tensors too large for JSON + base64 (a model of ~10⁸
 * parameters made a base64 string longer than a JavaScript string may be):
 *
 *   bytes 0..8       N, the header's length: an unsigned 64-bit little-endian integer
 *   bytes 8..8+N     the header: UTF-8 JSON, padded with spaces to a multiple of 8 bytes,
 *                    { "__metadata__": { string: string },
 *                      "<name>": { "dtype": "F32" | "F64", "shape": [d0, d1, ...],
 *                                  "data_offsets": [begin, end] }, ... }
 *   bytes 8+N..      the data: each tensor's values, little-endian, row-major, at
 *                    [begin, end) counted from the data's start; the tensors tile it exactly
 *
 * F32 and F64 are read and written (what the kernels compute in), and I64 (torch's integer
 * buffers such as BatchNorm's num_batches_tracked) as a BigInt64Array. F16 and BF16 are read,
 * widened exactly to a Float32Array (BF16 is the upper half of an f32's bits; F16 has 5 exponent
 * bits, subnormals included). The header may be at most 100 MB (the reference implementation's
 * limit), the tensors must tile the data without gaps or overlaps, and a file that breaks any rule
 * is refused whole with an error naming the tensor and what is wrong. `encodeSafetensors` /
 * `decodeSafetensors` work on bytes in memory (browser or Node); `writeSafetensors` streams each
 * tensor's bytes to a file without building the whole file in memory, through a temporary name
 * that is fsynced and renamed; `readSafetensors` reads the header, then each tensor into an array
 * of its own. Files written here load with Python's `safetensors.numpy.load_file`.
 */

export type TensorData = Float32Array | Float64Array | BigInt64Array;

/** The header's largest allowed size in bytes (safetensors' MAX_HEADER_SIZE). */
export const SAFETENSORS_MAX_HEADER = 100_000_000;

/** Bytes per element of each dtype read here. */
const DTYPE_BYTES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8 };

export interface Tensor {
  data: TensorData;
  /** Default: [data.length]. Its product must be data.length. */
  shape?: readonly number[];
}

export interface Safetensors {
  tensors: Record<string, { data: TensorData; shape: number[] }>;
  metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The bytes of a typed array, without a copy (little-endian on every platform JS runs on). */
const bytesOf = (a: TensorData) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** The header block (length + padded JSON) and the tensors in the order their data follows. */
function header(
  tensors: Record<string, Tensor>,
  metadata: Record<string, string>,
): { head: Uint8Array; order: TensorData[]; dataBytes: number } {
  const json: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw new TypeError(`safetensors metadata ${k} must be a string`);
  }
  if (Object.keys(metadata).length > 0) json.__metadata__ = metadata;
  const order: TensorData[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '__metadata__') throw new RangeError('A tensor may not be named __metadata__');
    const data = t?.data;
    if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof BigInt64Array)) {
      throw new TypeError(`Tensor ${name}: data must be a Float32Array, Float64Array or BigInt64Array`);
    }
    const shape = [...(t.shape ?? [data.length])];
    if (
      !shape.every((d) => Number.isInteger(d) && d >= 0) ||
      shape.reduce((a, b) => a * b, 1) !== data.length
    ) {
      throw new RangeError(`Tensor ${name}: shape [${shape}] does not hold ${data.length} values`);
    }
    json[name] = {
      dtype: data instanceof Float32Array ? 'F32' : data instanceof Float64Array ? 'F64' : 'I64',
      shape,
      data_offsets: [offset, offset + data.byteLength],
    };
    offset += data.byteLength;
    order.push(data);
  }
  const text = new TextEncoder().encode(JSON.stringify(json));
  const n = Math.ceil(text.length / 8) * 8;
  const head = new Uint8Array(8 + n).fill(0x20); // spaces pad the JSON
  new DataView(head.buffer).setBigUint64(0, BigInt(n), true);
  head.set(text, 8);
  return { head, order, dataBytes: offset };
}

/** The whole file in memory. */
export function encodeSafetensors(
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
): Uint8Array {
  const { head, order, dataBytes } = header(tensors, metadata);
  const out = new Uint8Array(head.length + dataBytes);
  out.set(head, 0);
  let at = head.length;
  for (const t of order) {
    out.set(bytesOf(t), at);
    at += t.byteLength;
  }
  return out;
}

/** Checks a parsed header against the data's length; returns the entries in data order. */
function checkHeader(
  json: unknown,
  dataBytes: number,
  where: string,
): { entries: [string, HeaderEntry][]; metadata: Record<string, string> } {
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new TypeError(`${where}: the header is not a JSON object`);
  }
  const { __metadata__: meta = {}, ...rest } = json as Record<string, unknown>;
  if (!meta || typeof meta !== 'object' || Object.values(meta).some((v) => typeof v !== 'string')) {
    throw new TypeError(`${where}: __metadata__ must map names to strings`);
  }
  const entries = Object.entries(rest as Record<string, HeaderEntry>);
  for (const [name, e] of entries) {
    const bytes = Object.hasOwn(DTYPE_BYTES, e?.dtype) ? DTYPE_BYTES[e.dtype] : 0;
    if (!bytes) {
      throw new TypeError(
        `${where}: tensor ${name} has dtype ${String(e?.dtype)} (F32 and F64 are read, and F16, BF16, I64)`,
      );
    }
    const [begin, end] = Array.isArray(e.data_offsets) ? e.data_offsets : [Number.NaN, Number.NaN];
    const count = Array.isArray(e.shape) ? e.shape.reduce((a, b) => a * b, 1) : Number.NaN;
    if (
      !Array.isArray(e.shape) ||
      !e.shape.every((d) => Number.isInteger(d) && d >= 0) ||
      !Number.isInteger(begin) ||
      !Number.isInteger(end) ||
      end - begin !== count * bytes
    ) {
      throw new RangeError(`${where}: tensor ${name}: shape and data_offsets disagree`);
    }
    if (begin < 0 || end > dataBytes) {
      throw new RangeError(
        `${where}: tensor ${name}: data_offsets [${begin}, ${end}] run past the end of the data (${dataBytes} bytes)`,
      );
    }
  }
  entries.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  let at = 0;
  let previous = '';
  for (const [name, e] of entries) {
    if (e.data_offsets[0] < at)
      throw new RangeError(
        `${where}: tensor ${name} overlaps tensor ${previous} (bytes ${e.data_offsets[0]}..${at})`,
      );
    if (e.data_offsets[0] > at)
      throw new RangeError(`${where}: tensor ${name} does not start where the previous one ends`);
    at = e.data_offsets[1];
    previous = name;
  }
  if (at !== dataBytes) {
    throw new RangeError(`${where}: the tensors cover ${at} bytes of data, the file has ${dataBytes}`);
  }
  return { entries, metadata: meta as Record<string, string> };
}

/** Reads the 8-byte length and returns N, checked against the bytes available after it. */
function headerLength(first8: Uint8Array, available: number, where: string): number {
  if (first8.length < 8) throw new RangeError(`${where}: too short for a safetensors file`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(SAFETENSORS_MAX_HEADER)) {
    throw new RangeError(`${where}: the header length ${n} is over the ${SAFETENSORS_MAX_HEADER}-byte limit`);
  }
  if (n > BigInt(available)) {
    throw new RangeError(`${where}: the header length ${n} exceeds the ${available} bytes that follow`);
  }
  return Number(n);
}

function parseHeader(bytes: Uint8Array, where: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (e) {
    throw new TypeError(`${where}: the header is not UTF-8 JSON (${(e as Error).message})`);
  }
}

/** f16 bits -> the same number: sign, 5 exponent bits (bias 15), 10 mantissa bits. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24; // subnormal (and ±0)
  if (e === 31) return m ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * A new typed array holding a copy of `bytes` (so it is aligned): F32 / F64 / I64 as stored,
 * F16 and BF16 widened to f32 (exactly: every f16 and bf16 value is an f32 value).
 */
function tensorFrom(dtype: string, bytes: Uint8Array): TensorData {
  const buffer = bytes.slice().buffer;
  if (dtype === 'F32') return new Float32Array(buffer);
  if (dtype === 'F64') return new Float64Array(buffer);
  if (dtype === 'I64') return new BigInt64Array(buffer);
  const half = new Uint16Array(buffer);
  const out = new Float32Array(half.length);
  if (dtype === 'BF16') {
    const bits = new Uint32Array(out.buffer);
    for (let i = 0; i < half.length; i++) bits[i] = half[i] << 16;
  } else {
    for (let i = 0; i < half.length; i++) out[i] = halfToFloat(half[i]);
  }
  return out;
}

/** Parses a whole file held in memory; every tensor is a copy. */
export function decodeSafetensors(bytes: Uint8Array, name = 'safetensors'): Safetensors {
  const n = headerLength(bytes, bytes.length - 8, name);
  const { entries, metadata } = checkHeader(
    parseHeader(bytes.subarray(8, 8 + n), name),
    bytes.length - 8 - n,
    name,
  );
  const start = 8 + n;
  const tensors: Safetensors['tensors'] = {};
  for (const [k, e] of entries) {
    const [b, end] = e.data_offsets;
    tensors[k] = { data: tensorFrom(e.dtype, bytes.subarray(start + b, start + end)), shape: e.shape };
  }
  return { tensors, metadata: { ...metadata } };
}

let writes = 0;

/** Writes a safetensors file (Node), streaming the tensors' bytes; atomic (temporary name, fsync, rename). */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, Tensor>,
  metadata: Record<string, string> = {},
): Promise<void> {
  const { open, rename, rm } = await import('node:fs/promises');
  const { head, order } = header(tensors, metadata);
  writes += 1;
  const tmp = `${path}.tmp-${process.pid}-${writes}-${Math.random().toString(36).slice(2, 10)}`;
  let file: Awaited<ReturnType<typeof open>> | undefined;
  try {
    file = await open(tmp, 'wx');
    await file.write(head);
    // at most 64 MiB per write call: one call per tensor could exceed what a single write takes
    for (const t of order) {
      const bytes = bytesOf(t);
      for (let at = 0; at < bytes.length; at += 1 << 26) {
        await file.write(bytes.subarray(at, Math.min(bytes.length, at + (1 << 26))));
      }
    }
    await file.sync();
    await file.close();
    file = undefined;
    await rename(tmp, path);
  } catch (e) {
    await file?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw e;
  }
}

/** Reads a safetensors file (Node): the header, then each tensor into an array of its own. */
export async function readSafetensors(path: string): Promise<Safetensors> {
  const { open } = await import('node:fs/promises');
  const file = await open(path, 'r');
  try {
    const size = (await file.stat()).size;
    const readAt = async (position: number, length: number): Promise<Uint8Array> => {
      const buffer = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await file.read(
          buffer,
          done,
          Math.min(length - done, 1 << 26),
          position + done,
        );
        if (bytesRead === 0) throw new RangeError(`${path}: the file ends early`);
        done += bytesRead;
      }
      return buffer;
    };
    const n = headerLength(await readAt(0, Math.min(8, size)), size - 8, path);
    const { entries, metadata } = checkHeader(parseHeader(await readAt(8, n), path), size - 8 - n, path);
    const tensors: Safetensors['tensors'] = {};
    for (const [k, e] of entries) {
      const [b, end] = e.data_offsets;
      tensors[k] = { data: tensorFrom(e.dtype, await readAt(8 + n + b, end - b)), shape: e.shape };
    }
    return { tensors, metadata: { ...metadata } };
  } finally {
    await file.close();
  }
}
