/**
 * The multi-tensor fast path: before an elementwise kernel call, tensors that are contiguous in
 * every buffer list (tensor t + 1 starts where tensor t ends, in the same ArrayBuffer, in params,
 * grads and every state list alike) and have the same per-tensor scalars are merged into one
 * range. A `ParameterArena`'s parameters, stepped in arena order, become one tensor: the binding
 * reads four views instead of eight thousand, the thread engine splits one range, and the kernel
 * broadcasts its constants once. Elementwise kernels give the same bits on a merged range as
 * tensor by tensor, so this changes no result. A kernel that reduces over each tensor (LAMB,
 * LARS, Adafactor) gets the merged ranges as runs instead, with each tensor's length, and the
 * binding cuts them back into the tensors (`contiguity(lists, true)`; native/binding/reader.h).
 *
 * Two kinds of users: the optimizers' step plans (src/optim/plan.ts) and LBFGS's flat vector
 * updates, which work out the contiguity of their tensors once and merge them once
 * (`contiguity`, `runStarts`, `mergeRuns`, `pickRuns`, then `callMerged`), and `coalesce(args)`,
 * which the native backend applies to the other elementwise calls (gradient clipping), with a
 * cache of the last layout seen.
 */

/** A group layout seen before by `coalesce`: its views, which of them join, and the last merge. */
interface Layout {
  listKeys: string[];
  scalarKeys: string[];
  views: Float32Array[][];
  contiguous: Uint8Array;
  merge: RunCache;
}

/** The last runs merged for one layout (the first tensor of each run) and their merged views, per list. */
export interface RunCache {
  runStart: number[];
  merged: Float32Array[][];
  /** The merged views that span several tensors: never empty, unless their buffer was detached. */
  joined: Float32Array[];
}

/**
 * Layouts by the group's first view. Working out which views join reads each view's buffer and
 * offset, which costs tens of nanoseconds per view in Node 20 (0.85 ms for the 8,000 views of
 * Adam over 2,000 tensors); checking that a call has the same views as the layout is one
 * identity compare per view (a few microseconds), so a loop plans once, then checks.
 */
const layouts = new WeakMap<Float32Array, Layout>();

/**
 * `args` with its contiguous runs merged, or `args` itself when nothing merges (or when the
 * arguments are malformed: the kernel then reports them as usual). Lists are the array-valued
 * entries (arrays of Float32Array), per-tensor scalars the Float64Array and Uint8Array entries.
 */
export function coalesce<A extends object>(args: A): A {
  if (typeof args !== 'object' || args === null) return args;
  const entries = args as Record<string, unknown>;
  const lists: Float32Array[][] = [];
  const listKeys: string[] = [];
  const scalars: (Float64Array | Uint8Array)[] = [];
  const scalarKeys: string[] = [];
  for (const key of Object.keys(entries)) {
    const v = entries[key];
    if (Array.isArray(v)) {
      lists.push(v as Float32Array[]);
      listKeys.push(key);
    } else if (v instanceof Float64Array || v instanceof Uint8Array) {
      scalars.push(v);
      scalarKeys.push(key);
    } else if (ArrayBuffer.isView(v)) {
      return args; // a kind of argument this does not know how to merge
    }
  }
  if (lists.length === 0) return args;
  const count = lists[0].length;
  if (count < 2 || lists.some((l) => l.length !== count) || scalars.some((s) => s.length !== count)) return args;
  const first = lists[0][0];
  let layout = first instanceof Float32Array ? layouts.get(first) : undefined;
  if (!layout || !sameViews(layout, listKeys, scalarKeys, lists)) {
    const contiguous = contiguity(lists);
    if (!contiguous) return args;
    layout = { listKeys, scalarKeys, views: lists.map((l) => l.slice()), contiguous, merge: { runStart: [], merged: [], joined: [] } };
    if (first instanceof Float32Array) layouts.set(first, layout);
  }
  const runStart = runStarts(layout.contiguous, scalars);
  if (runStart.length === count) return args;
  const merged: Record<string, unknown> = { ...entries };
  const views = mergeCached(layout.merge, lists, runStart);
  listKeys.forEach((key, l) => (merged[key] = views[l]));
  scalarKeys.forEach((key, i) => (merged[key] = pickRuns(scalars[i], runStart)));
  return merged as A;
}

function sameViews(layout: Layout, listKeys: string[], scalarKeys: string[], lists: Float32Array[][]): boolean {
  if (layout.listKeys.length !== listKeys.length || layout.listKeys.some((k, i) => k !== listKeys[i])) return false;
  if (layout.scalarKeys.length !== scalarKeys.length || layout.scalarKeys.some((k, i) => k !== scalarKeys[i])) return false;
  for (let l = 0; l < lists.length; l++) {
    const list = lists[l];
    const known = layout.views[l];
    if (list.length !== known.length) return false;
    for (let t = 0; t < list.length; t++) if (list[t] !== known[t]) return false;
  }
  // A buffer detached since must reach the kernel in the caller's own views, which it can name
  // in its error: plan again (nothing joins then).
  return layout.merge.joined.every((v) => v.length > 0);
}

/**
 * Which tensors join the one before them: `contiguous[t]` is 1 when tensor t starts where tensor
 * t - 1 ends in every list (same ArrayBuffer, neither empty). Null when the lists are malformed
 * (an entry that is not a Float32Array, or lengths that differ between lists), which the kernel
 * must then see as they are.
 *
 * `runs`: for a call given as runs (a kernel that reduces over each tensor, which gets the
 * tensors' lengths beside the merged views: native/binding/reader.h), where a list's lengths
 * may differ from the first's (Adafactor's row and column factors) and an empty view joins
 * anything (it adds no element to the run's view); a non-empty view must then start where the
 * last non-empty one before it ends.
 */
export function contiguity(lists: readonly (readonly Float32Array[])[], runs = false): Uint8Array | null {
  const count = lists[0].length;
  const contiguous = new Uint8Array(count).fill(1);
  contiguous[0] = 0;
  for (const list of lists) if (!joinsInto(contiguous, list, lists[0], runs)) return null;
  return contiguous;
}

/**
 * Clears `contiguous[t]` where tensor t of `list` does not start where tensor t - 1 ends (or
 * either is empty); false when the list is malformed (see `contiguity`; `first` is the first
 * list, whose lengths every list must have; `runs` as there). Reads each view's
 * length and offset once, and its buffer only where the offsets join: in Node 20 `byteOffset`
 * takes about 8 ns and `buffer` 14 ns, `length` 1 ns.
 */
export function joinsInto(contiguous: Uint8Array, list: readonly Float32Array[], first: readonly Float32Array[], runs = false): boolean {
  let end = -1; // where the previous tensor ends, -1 after an empty one
  let prev: Float32Array | null = null;
  let prevBuffer: ArrayBufferLike | null = null; // the previous tensor's buffer, when read
  for (let t = 0; t < contiguous.length; t++) {
    const b = list[t];
    if (!(b instanceof Float32Array)) return false;
    const n = b.length;
    if (runs) {
      if (n === 0) continue; // joins: the run's view is that of its non-empty tensors
    } else if (n !== first[t].length) {
      return false;
    }
    const offset = b.byteOffset;
    let buffer: ArrayBufferLike | null = null;
    if (contiguous[t] === 1 && n !== 0 && offset === end) {
      buffer = b.buffer;
      if (buffer !== (prevBuffer ?? prev!.buffer)) buffer = null;
    }
    if (buffer === null) contiguous[t] = 0;
    end = n === 0 ? -1 : offset + 4 * n;
    prev = b;
    prevBuffer = buffer;
  }
  return true;
}

/** Object.is, written out (faster in a hot loop): NaN equals NaN, 0 does not equal -0. */
function same(a: number, b: number): boolean {
  return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b;
}

/** The first tensor of each run: tensors joined in memory (`contiguous`) whose per-tensor values are all equal. */
export function runStarts(contiguous: Uint8Array, perTensor: readonly ArrayLike<number>[]): number[] {
  const runStart = [0];
  for (let t = 1; t < contiguous.length; t++) {
    let joins = contiguous[t] === 1;
    for (let i = 0; joins && i < perTensor.length; i++) joins = same(perTensor[i][t - 1], perTensor[i][t]);
    if (!joins) runStart.push(t);
  }
  return runStart;
}

/**
 * One view per run: the run's only view, or a new view spanning all of them (from its first
 * non-empty view to its last: a run given as runs may hold empty views, see `contiguity`).
 */
export function mergeRuns(list: readonly Float32Array[], runStart: readonly number[]): Float32Array[] {
  return runStart.map((start, r) => {
    let first = start;
    let last = (r + 1 < runStart.length ? runStart[r + 1] : list.length) - 1;
    while (first < last && list[first].length === 0) first++;
    while (last > first && list[last].length === 0) last--;
    if (first === last) return list[first];
    const a = list[first];
    const b = list[last];
    return new Float32Array(a.buffer, a.byteOffset, (b.byteOffset + b.byteLength - a.byteOffset) / 4);
  });
}

/** The per-tensor values of each run's first tensor. */
export function pickRuns<T extends Float64Array | Uint8Array>(values: T, runStart: readonly number[]): T {
  const out = new (values.constructor as new (n: number) => T)(runStart.length);
  for (let r = 0; r < runStart.length; r++) out[r] = values[runStart[r]];
  return out;
}

/**
 * `lists` merged by `runStart`, reusing the views of the last merge when the runs are the same
 * (a training loop whose step counts diverged merges the same runs step after step).
 */
export function mergeCached(cache: RunCache, lists: readonly (readonly Float32Array[])[], runStart: number[]): Float32Array[][] {
  const last = cache.runStart;
  if (runStart.length !== last.length || runStart.some((t, r) => t !== last[r]) || cache.merged.length !== lists.length) {
    cache.runStart = runStart;
    cache.merged = lists.map((list) => mergeRuns(list, runStart));
    cache.joined = cache.merged.flatMap((list, l) => list.filter((v, r) => v !== lists[l][runStart[r]]));
  }
  return cache.merged;
}

/**
 * Calls `kernel` with the merged arguments; if it refuses them, with the same call unmerged
 * (`unmerged()`, which returns `merged` itself when nothing was merged), refused too, but with
 * an error that names the caller's tensors. A refused call changes nothing, so trying twice is
 * safe.
 */
export function callMerged<A>(kernel: (args: A) => void, merged: A, unmerged: () => A): void {
  try {
    kernel(merged);
  } catch (err) {
    const plain = unmerged();
    if (plain === merged) throw err;
    kernel(plain);
  }
}
