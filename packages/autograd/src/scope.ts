/**
 * Two pieces of state that every op consults: whether gradients are being recorded, and which
 * memory scope owns the tensors being made.
 *
 * Memory: tensors live in kernel memory, which JavaScript's garbage collector does not see in
 * time, so it is released deterministically (TF.js's `tidy`):
 *
 *   const loss = tidy(() => {           // every tensor made inside...
 *     const l = model(x).sub(y).square().mean();
 *     l.backward();
 *     return l.item();                  // ...is freed on the way out, except what is returned
 *   });
 *
 * `tidy(fn)` frees every tensor created while `fn` runs, except the tensors in its result (a
 * tensor, or arrays / plain objects of them) and tensors passed to `keep()`; those move to the
 * enclosing scope. Tensors made outside any `tidy` (parameters, data) live until `free()` or until
 * they are garbage-collected. Scopes nest; an exception frees the scope and propagates.
 *
 * Gradients: `noGrad(fn)` runs `fn` without recording a graph (torch.no_grad).
 */
import type { Tensor } from './tensor.js';

let gradEnabled = true;
const scopes: Tensor[][] = [];

/** True while ops record the graph for backward (false inside `noGrad`). */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Runs `fn` with gradient recording on or off, restoring the previous mode afterwards. */
export function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = enabled;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/** Runs `fn` without recording a graph: results do not require gradients (torch.no_grad). */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

let suspended = 0;

/** Runs `fn` with scope registration off: the tensors it makes are owned by their maker. */
export function untracked<T>(fn: () => T): T {
  suspended++;
  try {
    return fn();
  } finally {
    suspended--;
  }
}

/** Registers a new tensor with the innermost scope (none outside `tidy`). */
export function track(t: Tensor): void {
  if (suspended > 0) return;
  const s = scopes[scopes.length - 1];
  if (s) s.push(t);
}

/** Keeps `t` alive past every enclosing `tidy` (it is then yours to `free()`). */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  return t;
}

/** Runs `fn`, then frees every tensor it created that is neither returned nor kept. */
export function tidy<T>(fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError('tidy: expected a function');
  const scope: Tensor[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    for (const t of scope) if (!t.kept) t.free();
    throw e;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) if (!t.kept) t.free();
    throw new TypeError('tidy: the function must be synchronous (it returned a Promise)');
  }
  const returned = new Set<Tensor>();
  collectTensors(result, returned, 0);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (t.kept) continue;
    if (returned.has(t)) parent?.push(t);
    else t.free();
  }
  return result;
}

/** Runs `fn` inside a scope whose survivors (per `survives`) move to the enclosing scope. */
export function scoped<T>(fn: () => T, survives: (t: Tensor) => boolean): T {
  const scope: Tensor[] = [];
  scopes.push(scope);
  try {
    return fn();
  } finally {
    scopes.pop();
    const parent = scopes[scopes.length - 1];
    for (const t of scope) {
      if (t.kept) continue;
      if (survives(t)) parent?.push(t);
      else t.free();
    }
  }
}

function collectTensors(v: unknown, into: Set<Tensor>, depth: number): void {
  if (v === null || typeof v !== 'object' || depth > 8) return;
  if (isTensor(v)) {
    into.add(v);
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v) collectTensors(x, into, depth + 1);
    return;
  }
  if (Object.getPrototypeOf(v) === Object.prototype || v instanceof Map) {
    const values = v instanceof Map ? v.values() : Object.values(v);
    for (const x of values) collectTensors(x, into, depth + 1);
  }
}

function isTensor(v: object): v is Tensor {
  return (v as { isTensor?: unknown }).isTensor === true;
}
