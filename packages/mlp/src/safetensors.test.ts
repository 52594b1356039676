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
    expect(Array.from(st.tensors.b.data as Float64Array)).toEqual([1 / 3, -2.5, 1e300, -0]);
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
      /tensor b: data_offsets \[24, 56\] run past the end of the data \(48 bytes\)/,
    );
    expect(
      bad((x) => {
        x.set(new TextEncoder().encode('"I32"'), x.indexOf(0x46, 0x48) - 1); // a's "F32" -> "I32"
        return x;
      }),
    ).toThrow(/tensor a has dtype I32 \(F32 and F64 are read, and F16, BF16, I64\)/);
    expect(bad((x) => x.fill(0x21, 8, 12))).toThrow(/the header is not UTF-8 JSON/);
    const dir = mkdtempSync(join(tmpdir(), 'mlp-safetensors-'));
    writeFileSync(join(dir, 'cut.safetensors'), reference.subarray(0, reference.length - 1));
    await expect(readSafetensors(join(dir, 'cut.safetensors'))).rejects.toThrow(
      /data_offsets \[24, 56\] run past the end of the data \(55 bytes\)/,
    );
  });

  it('refuses a shape that does not hold the data, and the reserved name', () => {
    expect(() => encodeSafetensors({ a: { data: a, shape: [4, 2] } })).toThrow(
      /shape \[4,2\] does not hold 6 values/,
    );
    expect(() => encodeSafetensors({ __metadata__: { data: a } })).toThrow(/__metadata__/);
  });

  it('reads F16, BF16 (widened to f32 exactly) and I64 as torch 1.13 wrote them', () => {
    // written by test/fixtures/torch-handoff/generate.py: values via torch's .double().tolist()
    const dir = new URL('../test/fixtures/torch-handoff/', import.meta.url);
    const st = decodeSafetensors(new Uint8Array(readFileSync(new URL('dtypes.safetensors', dir))));
    const want = JSON.parse(readFileSync(new URL('dtypes.json', dir), 'utf8'));
    expect(st.tensors.half.data).toBeInstanceOf(Float32Array);
    expect(Array.from(st.tensors.half.data as Float32Array)).toEqual(want.half.map(Number));
    expect(Object.is(st.tensors.half.data[6], -0)).toBe(true);
    expect(Array.from(st.tensors.bf.data as Float32Array)).toEqual(want.bf.map(Number));
    expect(st.tensors.i64.data).toEqual(BigInt64Array.from(want.i64.map(BigInt)));
    expect(st.tensors.i64.shape).toEqual(want.i64Shape);
  });

  it('writes I64 from a BigInt64Array and reads it back', () => {
    const i64 = BigInt64Array.from([0n, -1n, 2n ** 62n]);
    const st = decodeSafetensors(encodeSafetensors({ n: { data: i64 }, a: { data: a } }));
    expect(st.tensors.n).toEqual({ data: i64, shape: [3] });
  });

  it('refuses overlapping ranges and a header over the 100 MB limit, naming them', () => {
    const header = (json: object, dataBytes: number) => {
      const text = new TextEncoder().encode(JSON.stringify(json).padEnd(64));
      const out = new Uint8Array(8 + text.length + dataBytes);
      new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
      out.set(text, 8);
      return out;
    };
    const overlap = header(
      {
        p: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
        q: { dtype: 'F32', shape: [2], data_offsets: [4, 12] },
      },
      12,
    );
    expect(() => decodeSafetensors(overlap)).toThrow(/tensor q overlaps tensor p \(bytes 4\.\.8\)/);
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 100_000_008n, true);
    expect(() => decodeSafetensors(huge)).toThrow(/header length 100000008 is over the 100000000-byte limit/);
  });

  it('round-trips every dtype it writes in every shape: scalars, empty tensors, ranks 1 to 4', () => {
    const shapes = [[], [0], [2, 0, 3], [5], [1, 1, 1], [2, 3], [2, 1, 2, 2]];
    const make = [
      (n: number) => Float32Array.from({ length: n }, (_, i) => i - 1.5),
      (n: number) => Float64Array.from({ length: n }, (_, i) => 1 / (i + 3)),
      (n: number) => BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * -(2n ** 40n)),
    ];
    const tensors: Record<string, { data: Float32Array | Float64Array | BigInt64Array; shape: number[] }> =
      {};
    shapes.forEach((shape, i) => {
      make.forEach((f, j) => {
        tensors[`t${i}_${j}`] = { data: f(shape.reduce((a, b) => a * b, 1)), shape };
      });
    });
    const back = decodeSafetensors(encodeSafetensors(tensors, { k: 'v' }));
    expect(back.tensors).toEqual(tensors);
    expect(back.metadata).toEqual({ k: 'v' });
  });
});
