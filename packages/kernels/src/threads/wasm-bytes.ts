/**
 * Two small edits of the kernels' .wasm bytes, made at load so one build serves every engine:
 *
 * - `withSharedMemory(bytes, shared)`: the module imports its memory (`env.memory`, built with a
 *   maximum, limits flag 0x01). Setting the flag to 0x03 declares it shared, so it accepts a
 *   `WebAssembly.Memory({ shared: true })` that worker threads can use too. One build and a one-byte
 *   patch rather than two builds: the code is identical (the kernels use no wasm atomics; threads
 *   synchronise with JS `Atomics` on a control block), and the page ships one set of bytes.
 *
 * - `withPassiveData(bytes)`: every active data segment made passive. A module's active segments
 *   are copied into memory each time it is instantiated; in a shared memory a worker's
 *   instantiation would rewrite them while the caller's thread may be using them. Most are constant
 *   tables (rewriting the same bytes is harmless), but two are zero-initialised static scratch
 *   (strides.ts SCRATCH, reduce.ts COLUMN_SUMS) that a running kernel writes. Workers therefore
 *   instantiate a copy whose segments are passive (never copied): the caller's instantiation has
 *   already initialised the static data, and workers only read the constant tables.
 */

function readU32(b: Uint8Array, pos: number): [value: number, next: number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = b[pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if ((byte & 0x80) === 0) return [value, pos];
    shift += 7;
  }
}

function writeU32(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

interface Section {
  id: number;
  /** first byte of the section's content */
  start: number;
  /** one past its last byte */
  end: number;
  /** first byte of the section header (its id) */
  header: number;
}

function sections(b: Uint8Array): Section[] {
  if (b[0] !== 0 || b[1] !== 0x61 || b[2] !== 0x73 || b[3] !== 0x6d) throw new Error('not a wasm module');
  const out: Section[] = [];
  let pos = 8;
  while (pos < b.length) {
    const header = pos;
    const id = b[pos++];
    const [size, start] = readU32(b, pos);
    out.push({ id, start, end: start + size, header });
    pos = start + size;
  }
  return out;
}

function skipName(b: Uint8Array, pos: number): [name: string, next: number] {
  const [len, start] = readU32(b, pos);
  let name = '';
  for (let i = start; i < start + len; i++) name += String.fromCharCode(b[i]);
  return [name, start + len];
}

function skipLimits(b: Uint8Array, pos: number): number {
  const flag = b[pos++];
  pos = readU32(b, pos)[1];
  if (flag & 1) pos = readU32(b, pos)[1];
  return pos;
}

/** The memory import's limits: the byte offset of its flag, and its initial and maximum pages. */
export function memoryImport(bytes: Uint8Array): { flagAt: number; initial: number; maximum: number } {
  const imports = sections(bytes).find((s) => s.id === 2);
  if (!imports) throw new Error('kernels.wasm imports nothing (built without importMemory?)');
  let [count, pos] = readU32(bytes, imports.start);
  while (count-- > 0) {
    pos = skipName(bytes, pos)[1];
    pos = skipName(bytes, pos)[1];
    const kind = bytes[pos++];
    if (kind === 2) {
      const flagAt = pos;
      const [initial, next] = readU32(bytes, pos + 1);
      if (!(bytes[flagAt] & 1)) throw new Error('kernels.wasm memory import has no maximum');
      return { flagAt, initial, maximum: readU32(bytes, next)[0] };
    }
    if (kind === 0) pos = readU32(bytes, pos)[1];
    else if (kind === 1) pos = skipLimits(bytes, pos + 1);
    else if (kind === 3) pos += 2;
    else if (kind === 4) pos = readU32(bytes, pos + 1)[1];
    else throw new Error(`kernels.wasm: unknown import kind ${kind}`);
  }
  throw new Error('kernels.wasm does not import its memory (built without importMemory?)');
}

/** A copy of `bytes` whose memory import is declared shared (flag 0x03) or not (0x01). */
export function withSharedMemory(bytes: Uint8Array<ArrayBuffer>, shared: boolean): Uint8Array<ArrayBuffer> {
  const { flagAt } = memoryImport(bytes);
  const out = bytes.slice();
  out[flagAt] = shared ? 0x03 : 0x01;
  return out;
}

/** A copy of `bytes` with every active data segment (`i32.const offset` form) made passive. */
export function withPassiveData(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const data = sections(bytes).find((s) => s.id === 11);
  if (!data) return bytes.slice();
  let [count, pos] = readU32(bytes, data.start);
  const content: number[] = writeU32(count);
  while (count-- > 0) {
    const [flag, afterFlag] = readU32(bytes, pos);
    pos = afterFlag;
    if (flag === 0) {
      // i32.const <sleb offset> end: skip it
      if (bytes[pos] !== 0x41) throw new Error('kernels.wasm: data segment offset is not i32.const');
      pos++;
      while (bytes[pos] & 0x80) pos++;
      pos++;
      if (bytes[pos++] !== 0x0b) throw new Error('kernels.wasm: data segment offset is not a constant');
    } else if (flag !== 1) throw new Error(`kernels.wasm: unsupported data segment flag ${flag}`);
    const [len, start] = readU32(bytes, pos);
    content.push(1, ...writeU32(len));
    for (let i = start; i < start + len; i++) content.push(bytes[i]);
    pos = start + len;
  }
  const head = bytes.subarray(0, data.header);
  const tail = bytes.subarray(data.end);
  const sectionHeader = [11, ...writeU32(content.length)];
  const out = new Uint8Array(head.length + sectionHeader.length + content.length + tail.length);
  out.set(head, 0);
  out.set(sectionHeader, head.length);
  out.set(content, head.length + sectionHeader.length);
  out.set(tail, head.length + sectionHeader.length + content.length);
  return out;
}
