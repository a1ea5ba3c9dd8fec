/**
 * The multi-tensor fast path: before a native elementwise kernel call, tensors that are
 * contiguous in every buffer list (tensor t + 1 starts where tensor t ends, in the same
 * ArrayBuffer, in params, grads and every state list alike) and have the same per-tensor
 * scalars are merged into one range. A `ParameterArena`'s parameters, stepped in arena order,
 * become one tensor: the binding reads four views instead of eight thousand, the thread engine
 * splits one range, and the kernel broadcasts its constants once. Elementwise kernels give the
 * same bits on a merged range as tensor by tensor, so this changes no result.
 */

/** A group layout seen before: its views, which of them join in memory, and the last merge. */
interface Plan {
  listKeys: string[];
  scalarKeys: string[];
  views: Float32Array[][];
  /** contiguous[t]: tensor t starts where tensor t - 1 ends, in every list (and neither is empty). */
  contiguous: Uint8Array;
  /** The runs of the last call (first tensor of each) and their merged views, per list. */
  runStart: number[];
  merged: Float32Array[][];
  /** The merged views that span several tensors: never empty, unless their buffer was detached. */
  joined: Float32Array[];
}

/**
 * Plans by the group's first view. Working out which views join reads each view's buffer and
 * offset, which costs tens of nanoseconds per view in Node 20 (0.85 ms for the 8,000 views of
 * Adam over 2,000 tensors); checking that a call has the same views as the plan is one
 * identity compare per view (a few microseconds), so a training loop plans once, then checks.
 */
const plans = new WeakMap<Float32Array, Plan>();

/**
 * `args` with its contiguous runs merged, or `args` itself when nothing merges (or when the
 * arguments are malformed: the binding then reports them as usual). Lists are the array-valued
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
  let plan = first instanceof Float32Array ? plans.get(first) : undefined;
  if (!plan || !sameViews(plan, listKeys, scalarKeys, lists)) {
    const fresh = makePlan(listKeys, scalarKeys, lists);
    if (!fresh) return args;
    plan = fresh;
    if (first instanceof Float32Array) plans.set(first, plan);
  }
  // Runs: tensors joined in memory whose per-tensor scalars are equal.
  const { contiguous } = plan;
  const runStart = [0];
  for (let t = 1; t < count; t++) {
    let joins = contiguous[t] === 1;
    for (let i = 0; joins && i < scalars.length; i++) joins = same(scalars[i][t - 1], scalars[i][t]);
    if (!joins) runStart.push(t);
  }
  if (runStart.length === count) return args;
  if (runStart.length !== plan.runStart.length || runStart.some((t, r) => t !== plan!.runStart[r])) {
    plan.runStart = runStart;
    plan.merged = lists.map((list) => mergeRuns(list, runStart));
    plan.joined = plan.merged.flatMap((list, l) => list.filter((v, r) => v !== lists[l][runStart[r]]));
  }
  const merged: Record<string, unknown> = { ...entries };
  listKeys.forEach((key, l) => (merged[key] = plan!.merged[l]));
  scalarKeys.forEach((key, i) => {
    const s = scalars[i];
    const out = new (s.constructor as typeof Float64Array | typeof Uint8Array)(runStart.length);
    runStart.forEach((t, r) => (out[r] = s[t]));
    merged[key] = out;
  });
  return merged as A;
}

/** Object.is, written out (faster in a hot loop): NaN equals NaN, 0 does not equal -0. */
function same(a: number, b: number): boolean {
  return a === b ? a !== 0 || 1 / a === 1 / b : a !== a && b !== b;
}

function sameViews(plan: Plan, listKeys: string[], scalarKeys: string[], lists: Float32Array[][]): boolean {
  if (plan.listKeys.length !== listKeys.length || plan.listKeys.some((k, i) => k !== listKeys[i])) return false;
  if (plan.scalarKeys.length !== scalarKeys.length || plan.scalarKeys.some((k, i) => k !== scalarKeys[i])) return false;
  for (let l = 0; l < lists.length; l++) {
    const list = lists[l];
    const known = plan.views[l];
    if (list.length !== known.length) return false;
    for (let t = 0; t < list.length; t++) if (list[t] !== known[t]) return false;
  }
  // A buffer detached since must reach the binding in the caller's own views, which it can
  // name in its error: plan again (nothing joins then).
  return plan.joined.every((v) => v.length > 0);
}

function makePlan(listKeys: string[], scalarKeys: string[], lists: Float32Array[][]): Plan | null {
  const count = lists[0].length;
  const contiguous = new Uint8Array(count);
  for (let t = 1; t < count; t++) {
    let joins = true;
    for (const list of lists) {
      const a = list[t - 1];
      const b = list[t];
      if (!(a instanceof Float32Array) || !(b instanceof Float32Array) || b.length !== lists[0][t].length) return null;
      if (joins && (a.length === 0 || b.length === 0 || a.buffer !== b.buffer || a.byteOffset + a.byteLength !== b.byteOffset)) joins = false;
    }
    contiguous[t] = joins ? 1 : 0;
  }
  return { listKeys, scalarKeys, views: lists.map((l) => l.slice()), contiguous, runStart: [], merged: [], joined: [] };
}

/** One view per run: the run's only view, or a new view spanning all of them. */
function mergeRuns(list: Float32Array[], runStart: number[]): Float32Array[] {
  return runStart.map((start, r) => {
    const last = (r + 1 < runStart.length ? runStart[r + 1] : list.length) - 1;
    if (start === last) return list[start];
    const a = list[start];
    const b = list[last];
    return new Float32Array(a.buffer, a.byteOffset, (b.byteOffset + b.byteLength - a.byteOffset) / 4);
  });
}
