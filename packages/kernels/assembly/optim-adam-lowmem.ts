/**
 * Fused Adam / AdamW steps with memory-light moments, generic over the parameter's f32/f64:
 *
 * 8-bit (bitsandbytes' blockwise dynamic quantization, Dettmers et al. 2022): the moments are one
 * byte each, a code into a 256-value map (signed for m, unsigned for v), scaled per block of
 * `blockSize` values by the block's absmax. Per block:
 *   m̃ = mapS[c_m] · absmax_m,  ṽ = mapU[c_v] · absmax_v                      dequantize
 *   d = g (+ λ θ coupled);  m = β1 m̃ + (1 - β1) d;  v = β2 ṽ + ((1 - β2) d) d
 *   θ ← decay θ (decoupled);  θ ← θ - stepSize · m / (√v + epsC2)
 *   absmax_m = max|m|, absmax_v = max|v|;  c = nearest code of m/absmax_m (ties: the smaller code)
 * bf16 moments (torch's Adam with bf16 exp_avg / exp_avg_sq): each moment is updated in f64 and
 * rounded to bf16 (to f32, then round-to-nearest-even on the upper 16 bits); the update reads the
 * rounded values:
 *   θ ← decay θ;  d = ±g (+ λ θ);  m = bf16(β1 m + (1 - β1) d);  v = bf16(β2 v + ((1 - β2) d) d)
 *   θ ← θ - stepSize · m / (√v · invBias2Sqrt + eps)
 * With stochastic rounding (flag 8) bf16(x) is instead (bits(f32(x)) + r) >> 16 with r the low 16
 * bits of fmix32((2i + which) ^ (t · 0x9E3779B9)) (murmur3's finalizer; which 0 for m, 1 for v):
 * x rounds up with probability equal to its distance from the lower bf16 value, so E[bf16(x)] = x.
 *
 * Both run in f64, operation for operation as core's plain TypeScript references (adam-8bit.ts,
 * adam-bf16.ts), so the results are bit-identical to them. Each returns 1 if every θ it stored (and
 * every absmax / moment) is finite, else 0.
 */

/**
 * The index of the map value (256 ascending f64) nearest to x, ties to the smaller index: with
 * lo = the largest k <= 254 with map[k] <= x (0 if none), the nearer of lo and lo + 1. This is the
 * plain binary search's result (core's nearestCode) for every x, NaN included (lo 0). For
 * 2^-32 <= |x| < 1, lo starts at table[bin(x)], lo at the smallest value of x's bin (a 32nd of a
 * binade, by sign, exponent and 5 mantissa bits; lo is monotone in x, so that is a lower bound),
 * and steps up while map[lo + 1] <= x (a few steps: the map holds at most ~5 values per bin);
 * other x (0, ±1, tiny, NaN) take the branch-free binary search.
 */
// @ts-ignore: decorator
@inline function nearest(map: usize, table: usize, x: f64): i32 {
  const bits = reinterpret<u64>(x);
  const e = <i32>((bits >> 52) & 0x7ff);
  let lo: i32;
  if (e >= 991 && e <= 1022) {
    const bin = (<i32>(bits >> 63) << 10) | ((e - 991) << 5) | <i32>((bits >> 47) & 31);
    lo = <i32>load<u8>(table + <usize>bin);
    while (lo < 254 && load<f64>(map + (<usize>(lo + 1) << 3)) <= x) lo++;
  } else {
    lo = 0;
    let hi = 255;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const le = load<f64>(map + (<usize>mid << 3)) <= x;
      lo = select<i32>(mid, lo, le);
      hi = select<i32>(hi, mid, le);
    }
  }
  return Math.abs(x - load<f64>(map + (<usize>lo << 3))) <= Math.abs(load<f64>(map + (<usize>(lo + 1) << 3)) - x) ? lo : lo + 1;
}

/**
 * One 8-bit step. codesM / codesV: n bytes; absM / absV: ⌈n / blockSize⌉ values of T; maps: the
 * signed then the unsigned map (512 f64), then each map's bin table (2048 bytes each, see
 * `nearest`); scratch: 2 · blockSize f64. flags: 1 = decoupled decay
 * (θ ← decay θ), 2 = coupled decay (d = g + λ θ).
 */
function adam8bit<T>(
  n: i32, p: usize, g: usize, codesM: usize, codesV: usize, absM: usize, absV: usize, blockSize: i32,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, stepSize: f64, epsC2: f64,
  weightDecay: f64, decay: f64, flags: i32, maps: usize, scratch: usize,
): i32 {
  const sz = sizeof<T>();
  const decoupled = (flags & 1) != 0;
  const coupled = (flags & 2) != 0;
  const mapS = maps;
  const mapU = maps + 256 * 8;
  const tableS = maps + 512 * 8;
  const tableU = tableS + 2048;
  const ms = scratch;
  const vs = scratch + (<usize>blockSize << 3);
  let acc: f64 = 0;
  for (let b0 = 0, blk = 0; b0 < n; b0 += blockSize, blk++) {
    const len = min(blockSize, n - b0);
    const scaleM = <f64>load<T>(absM + <usize>blk * sz);
    const scaleV = <f64>load<T>(absV + <usize>blk * sz);
    let am: f64 = 0;
    let av: f64 = 0;
    for (let j = 0; j < len; j++) {
      const i = b0 + j;
      const pp = p + <usize>i * sz;
      const theta = <f64>load<T>(pp);
      let d = <f64>load<T>(g + <usize>i * sz);
      if (coupled) d = d + weightDecay * theta;
      const mOld = load<f64>(mapS + (<usize>load<u8>(codesM + i) << 3)) * scaleM;
      const vOld = load<f64>(mapU + (<usize>load<u8>(codesV + i) << 3)) * scaleV;
      const m = beta1 * mOld + oneMinusBeta1 * d;
      const v = beta2 * vOld + oneMinusBeta2 * d * d;
      store<f64>(ms + (<usize>j << 3), m);
      store<f64>(vs + (<usize>j << 3), v);
      am = max(am, Math.abs(m));
      av = max(av, Math.abs(v));
      let q = theta;
      if (decoupled) q = q * decay;
      const out = <T>(q - stepSize * (m / (Math.sqrt(v) + epsC2)));
      store<T>(pp, out);
      acc += <f64>out - <f64>out;
    }
    for (let j = 0; j < len; j++) {
      const m = load<f64>(ms + (<usize>j << 3));
      const v = load<f64>(vs + (<usize>j << 3));
      store<u8>(codesM + b0 + j, <u8>nearest(mapS, tableS, am == 0 ? 0 : m / am));
      store<u8>(codesV + b0 + j, <u8>nearest(mapU, tableU, av == 0 ? 0 : v / av));
    }
    const sm = <T>am;
    const sv = <T>av;
    store<T>(absM + <usize>blk * sz, sm);
    store<T>(absV + <usize>blk * sz, sv);
    acc += (<f64>sm - <f64>sm) + (<f64>sv - <f64>sv);
  }
  return acc == 0 ? 1 : 0;
}

export function adam8bit_f32(
  n: i32, p: usize, g: usize, codesM: usize, codesV: usize, absM: usize, absV: usize, blockSize: i32,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, stepSize: f64, epsC2: f64,
  weightDecay: f64, decay: f64, flags: i32, maps: usize, scratch: usize,
): i32 {
  return adam8bit<f32>(n, p, g, codesM, codesV, absM, absV, blockSize, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, epsC2, weightDecay, decay, flags, maps, scratch);
}
export function adam8bit_f64(
  n: i32, p: usize, g: usize, codesM: usize, codesV: usize, absM: usize, absV: usize, blockSize: i32,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, stepSize: f64, epsC2: f64,
  weightDecay: f64, decay: f64, flags: i32, maps: usize, scratch: usize,
): i32 {
  return adam8bit<f64>(n, p, g, codesM, codesV, absM, absV, blockSize, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, epsC2, weightDecay, decay, flags, maps, scratch);
}

/** bf16 bits of x: x rounded to f32, then round-to-nearest-even to its upper 16 bits. */
// @ts-ignore: decorator
@inline function toBf16(x: f64): u32 {
  const b = reinterpret<u32>(<f32>x);
  return ((b + 0x7fff + ((b >> 16) & 1)) >> 16) & 0xffff;
}

/** bf16 bits of x rounded stochastically with the 16 random bits r (see the file's comment). */
// @ts-ignore: decorator
@inline function toBf16Stochastic(x: f64, r: u32): u32 {
  return ((reinterpret<u32>(<f32>x) + r) >> 16) & 0xffff;
}

/** The 16 random bits for slot k = 2i + which at step t: murmur3's fmix32 of k ^ (t · golden). */
// @ts-ignore: decorator
@inline function randomBits(k: u32, t: u32): u32 {
  let h = k ^ (t * 0x9e3779b9);
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  return h & 0xffff;
}

// @ts-ignore: decorator
@inline function fromBf16(h: u32): f64 {
  return <f64>reinterpret<f32>(h << 16);
}

/**
 * The byte address of element i's m (which 0) or v (which 1) in the packed words: m_i, v_i,
 * m_{i+1}, ... fill each word (2 halves of an f32, 4 of an f64) from its high half down.
 */
// @ts-ignore: decorator
@inline function slot(words: usize, perWord: i32, i: i32, which: i32): usize {
  const k = i * 2 + which;
  const word = k / perWord;
  return words + (<usize>(word * perWord + (perWord - 1 - (k % perWord))) << 1);
}

/** Round-to-nearest-even of four f32 lanes (as i32x4 bits) to their bf16 bits (in the low 16). */
// @ts-ignore: decorator
@inline function toBf16x4(bits: v128): v128 {
  const lsb = v128.and(i32x4.shr_u(bits, 16), i32x4.splat(1));
  return i32x4.shr_u(i32x4.add(i32x4.add(bits, i32x4.splat(0x7fff)), lsb), 16);
}

/** Four f64 (two f64x2) demoted to one f32x4. */
// @ts-ignore: decorator
@inline function demote4(lo: v128, hi: v128): v128 {
  return v128.shuffle<u32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
}

/** The two high f32 lanes of a promoted to f64x2. */
// @ts-ignore: decorator
@inline function promoteHigh(a: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<u32>(a, a, 2, 3, 0, 1));
}

/**
 * adamBf16<f32>'s round-to-nearest loop four elements at a time (an f32 word is element i's m bits
 * high, v bits low, so a v128 holds four elements' moments): the same f64 operations in f64x2 lanes,
 * so the same bits. Returns the number of elements done (a multiple of 4) and adds the finiteness
 * test of what it stored to `acc` (NaN if anything was not finite).
 */
function adamBf16F32x4(
  n: i32, p: usize, g: usize, words: usize,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, stepSize: f64, invBias2Sqrt: f64,
  eps: f64, weightDecay: f64, decay: f64, flags: i32,
): f64 {
  const decoupled = (flags & 1) != 0;
  const coupled = (flags & 2) != 0;
  const maximize = (flags & 4) != 0;
  const b1 = f64x2.splat(beta1);
  const c1 = f64x2.splat(oneMinusBeta1);
  const b2 = f64x2.splat(beta2);
  const c2 = f64x2.splat(oneMinusBeta2);
  const vstep = f64x2.splat(stepSize);
  const vinv = f64x2.splat(invBias2Sqrt);
  const veps = f64x2.splat(eps);
  const vwd = f64x2.splat(weightDecay);
  const vdecay = f64x2.splat(decay);
  const high = i32x4.splat(0xffff0000);
  let acc = f32x4.splat(0);
  for (let i = 0; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const pv = v128.load(p + o);
    const gv = v128.load(g + o);
    const wv = v128.load(words + o);
    let q0 = f64x2.promote_low_f32x4(pv);
    let q1 = promoteHigh(pv);
    if (decoupled) {
      q0 = f64x2.mul(q0, vdecay);
      q1 = f64x2.mul(q1, vdecay);
    }
    let d0 = f64x2.promote_low_f32x4(gv);
    let d1 = promoteHigh(gv);
    if (maximize) {
      d0 = f64x2.neg(d0);
      d1 = f64x2.neg(d1);
    }
    if (coupled) {
      d0 = f64x2.add(d0, f64x2.mul(vwd, q0));
      d1 = f64x2.add(d1, f64x2.mul(vwd, q1));
    }
    const mOld = v128.and(wv, high); // m's bf16 bits are the high half: as f32, m itself
    const vOld = i32x4.shl(wv, 16);
    const xm = demote4(
      f64x2.add(f64x2.mul(b1, f64x2.promote_low_f32x4(mOld)), f64x2.mul(c1, d0)),
      f64x2.add(f64x2.mul(b1, promoteHigh(mOld)), f64x2.mul(c1, d1)),
    );
    const xv = demote4(
      f64x2.add(f64x2.mul(b2, f64x2.promote_low_f32x4(vOld)), f64x2.mul(f64x2.mul(c2, d0), d0)),
      f64x2.add(f64x2.mul(b2, promoteHigh(vOld)), f64x2.mul(f64x2.mul(c2, d1), d1)),
    );
    const hm = toBf16x4(xm);
    const hv = toBf16x4(xv);
    v128.store(words + o, v128.or(i32x4.shl(hm, 16), hv));
    const m32 = i32x4.shl(hm, 16);
    const v32 = i32x4.shl(hv, 16);
    const u0 = f64x2.sub(q0, f64x2.mul(vstep, f64x2.div(f64x2.promote_low_f32x4(m32),
      f64x2.add(f64x2.mul(f64x2.sqrt(f64x2.promote_low_f32x4(v32)), vinv), veps))));
    const u1 = f64x2.sub(q1, f64x2.mul(vstep, f64x2.div(promoteHigh(m32),
      f64x2.add(f64x2.mul(f64x2.sqrt(promoteHigh(v32)), vinv), veps))));
    const out = demote4(u0, u1);
    v128.store(p + o, out);
    acc = f32x4.add(acc, f32x4.add(f32x4.sub(out, out), f32x4.add(f32x4.sub(m32, m32), f32x4.sub(v32, v32))));
  }
  const s = f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
  return <f64>s;
}

/**
 * One step with bf16 moments in `words` (⌈2n · 2 / sizeof<T>⌉ bytes). flags: 1 = decoupled decay,
 * 2 = coupled decay (λ != 0), 4 = maximize, 8 = stochastic rounding (with `step` t).
 */
function adamBf16<T>(
  n: i32, p: usize, g: usize, words: usize,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, stepSize: f64, invBias2Sqrt: f64,
  eps: f64, weightDecay: f64, decay: f64, flags: i32, step: i32,
): i32 {
  const sz = sizeof<T>();
  const stochastic = (flags & 8) != 0;
  const perWord = <i32>sz / 2;
  const decoupled = (flags & 1) != 0;
  const coupled = (flags & 2) != 0;
  const maximize = (flags & 4) != 0;
  let acc: f64 = 0;
  let i = 0;
  if (sizeof<T>() == 4 && !stochastic) {
    acc = adamBf16F32x4(n, p, g, words, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, invBias2Sqrt, eps, weightDecay, decay, flags);
    i = n & ~3;
  }
  for (; i < n; i++) {
    const pp = p + <usize>i * sz;
    let q = <f64>load<T>(pp);
    if (decoupled) q = q * decay;
    let d = <f64>load<T>(g + <usize>i * sz);
    if (maximize) d = -d;
    if (coupled) d = d + weightDecay * q;
    const sm = slot(words, perWord, i, 0);
    const sv = slot(words, perWord, i, 1);
    const xm = beta1 * fromBf16(load<u16>(sm)) + oneMinusBeta1 * d;
    const xv = beta2 * fromBf16(load<u16>(sv)) + oneMinusBeta2 * d * d;
    const k = <u32>i << 1;
    const hm = stochastic ? toBf16Stochastic(xm, randomBits(k, step)) : toBf16(xm);
    const hv = stochastic ? toBf16Stochastic(xv, randomBits(k + 1, step)) : toBf16(xv);
    store<u16>(sm, <u16>hm);
    store<u16>(sv, <u16>hv);
    const m = fromBf16(hm);
    const v = fromBf16(hv);
    const out = <T>(q - stepSize * (m / (Math.sqrt(v) * invBias2Sqrt + eps)));
    store<T>(pp, out);
    acc += (<f64>out - <f64>out) + (m - m) + (v - v);
  }
  return acc == 0 ? 1 : 0;
}

export function adam_bf16_f32(
  n: i32, p: usize, g: usize, words: usize,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, stepSize: f64, invBias2Sqrt: f64,
  eps: f64, weightDecay: f64, decay: f64, flags: i32, step: i32,
): i32 {
  return adamBf16<f32>(n, p, g, words, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, invBias2Sqrt, eps, weightDecay, decay, flags, step);
}
export function adam_bf16_f64(
  n: i32, p: usize, g: usize, words: usize,
  beta1: f64, oneMinusBeta1: f64, beta2: f64, oneMinusBeta2: f64, stepSize: f64, invBias2Sqrt: f64,
  eps: f64, weightDecay: f64, decay: f64, flags: i32, step: i32,
): i32 {
  return adamBf16<f64>(n, p, g, words, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, invBias2Sqrt, eps, weightDecay, decay, flags, step);
}
