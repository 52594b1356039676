import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors } from './safetensors.js';

// written by test/fixtures/safetensors_reference.py from the format's specification
const referencePath = new URL('../test/fixtures/reference.safetensors', import.meta.url);
const reference = new Uint8Array(readFileSync(referencePath));
const a = Float32Array.from({ length: 6 }, (_, i) => 0.5 * i);
const b = Float64Array.from([1 / 3, -2.5, 1e300, -0]);
const metadata = { format: 'test', note: 'ünïcode' };

describe('safetensors', () => {
  it('reads the reference file: shapes, dtypes, values (-0 included) and metadata', () => {
    const st = decodeSafetensors(reference);
    expect(st.metadata).toEqual(metadata);
    expect(st.tensors.a.shape).toEqual([2, 3]);
    expect(st.tensors.a.data).toEqual(a);
    expect(st.tensors.b.shape).toEqual([4]);
    expect(st.tensors.b.data).toBeInstanceOf(Float64Array);
    expect(Array.from(st.tensors.b.data)).toEqual([1 / 3, -2.5, 1e300, -0]);
    expect(Object.is(st.tensors.b.data[3], -0)).toBe(true);
  });

  it('writes the reference file byte for byte, in memory and streamed to a file', async () => {
    const tensors = { a: { data: a, shape: [2, 3] }, b: { data: b } };
    expect(encodeSafetensors(tensors, metadata)).toEqual(reference);
    const dir = mkdtempSync(join(tmpdir(), 'mlp-safetensors-'));
    const path = join(dir, 'out.safetensors');
    await writeSafetensors(path, tensors, metadata);
    expect(new Uint8Array(readFileSync(path))).toEqual(reference);
    expect(readdirSync(dir)).toEqual(['out.safetensors']);
    const back = await readSafetensors(path);
    expect(back.tensors.a).toEqual({ data: a, shape: [2, 3] });
    expect(back.metadata).toEqual(metadata);
  });

  it('refuses damaged files naming what is wrong', async () => {
    const bad = (edit: (bytes: Uint8Array) => Uint8Array) => () => decodeSafetensors(edit(reference.slice()));
    expect(bad((x) => x.subarray(0, 5))).toThrow(/too short/);
    expect(bad((x) => x.subarray(0, 100))).toThrow(/header length 168 exceeds the 92 bytes/);
    expect(bad((x) => x.subarray(0, x.length - 8))).toThrow(
      /the tensors cover 56 bytes of data, the file has 48/,
    );
    expect(
      bad((x) => {
        x.set(new TextEncoder().encode('"F16"'), x.indexOf(0x46, 0x48) - 1); // a's "F32" -> "F16"
        return x;
      }),
    ).toThrow(/tensor a has dtype F16 \(F32 and F64 are read\)/);
    expect(bad((x) => x.fill(0x21, 8, 12))).toThrow(/the header is not UTF-8 JSON/);
    const dir = mkdtempSync(join(tmpdir(), 'mlp-safetensors-'));
    writeFileSync(join(dir, 'cut.safetensors'), reference.subarray(0, reference.length - 1));
    await expect(readSafetensors(join(dir, 'cut.safetensors'))).rejects.toThrow(
      /cover 56 bytes of data, the file has 55/,
    );
  });

  it('refuses a shape that does not hold the data, and the reserved name', () => {
    expect(() => encodeSafetensors({ a: { data: a, shape: [4, 2] } })).toThrow(
      /shape \[4,2\] does not hold 6 values/,
    );
    expect(() => encodeSafetensors({ __metadata__: { data: a } })).toThrow(/__metadata__/);
  });
});
