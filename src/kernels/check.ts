/**
 * The memory-safety checks the native binding makes on every call, done the same way for the JS
 * kernels so both backends accept and refuse the same inputs with the same error types:
 * Float32Array lists of one length per tensor, per-tensor scalar arrays of the tensor count,
 * live (not detached) buffers, and no buffer the kernel writes overlapping another buffer.
 */

export interface ListSpec {
  key: string;
  written: boolean;
  /** When true the list may be null (the kernel does not use it). */
  optional?: boolean;
}

export interface PerTensorSpec {
  key: string;
  type: typeof Float64Array | typeof Uint8Array;
  /** When true the entries are sizes: integers in [0, 2^53). */
  sizes?: boolean;
}

/** A list whose tensor `t` has `length(t, numel)` elements instead of the first list's (checked after the per-tensor arrays). */
export interface SizedListSpec {
  key: string;
  written: boolean;
  length: (t: number, numel: readonly number[]) => number;
}

/** The error thrower `GroupSpec.validate` gets: throws `Err` with the kernel's name in front. */
export type Fail = (Err: typeof TypeError, msg: string) => never;

/** What one kernel reads: buffer lists, per-tensor scalar arrays, group numbers and flags. */
export interface GroupSpec {
  lists: ListSpec[];
  perTensor?: PerTensorSpec[];
  numbers?: string[];
  flags?: string[];
  /** Checks that need the per-tensor arrays (run after them, before `sized`), given each tensor's length. */
  validate?: (fail: Fail, numel: readonly number[]) => void;
  sized?: SizedListSpec[];
}

function isDetached(view: ArrayBufferView): boolean {
  const buffer = view.buffer as ArrayBuffer & { detached?: boolean };
  if (buffer.byteLength !== 0) return false;
  if (typeof buffer.detached === 'boolean') return buffer.detached; // Node >= 22
  try {
    new Uint8Array(buffer); // throws on a detached buffer, not on an empty one
    return false;
  } catch {
    return true;
  }
}

/** `value` as a typed array of `type` whose buffer is not detached (`name` names it in errors). */
function liveArray<T extends ArrayBufferView>(fail: Fail, value: unknown, type: { new (n: number): T; name: string }, name: string): T {
  if (!(value instanceof type)) fail(TypeError, `${name} must be a ${type.name}`);
  if (isDetached(value as T)) fail(TypeError, `${name} is backed by a detached ArrayBuffer`);
  return value as T;
}

/** Every value an integer in [0, 2^53), or a RangeError naming the first that is not. */
function checkIntegers(fail: Fail, values: ArrayLike<number>, key: string): void {
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (!(x >= 0 && x < 2 ** 53 && Number.isInteger(x))) fail(RangeError, `${key}[${i}] must be an integer >= 0`);
  }
}

/** A Float64Array of integers in [0, 2^53), as the binding reads `run_tensors` and `tensor_numel`. */
function integers(fail: Fail, a: Record<string, unknown>, key: string): Float64Array {
  const arr = liveArray(fail, a[key], Float64Array, key);
  checkIntegers(fail, arr, key);
  return arr;
}

/**
 * Validates one kernel call's argument object; throws a TypeError or RangeError like the binding.
 * Returns the arguments the kernel steps: `args` itself, or, for a call given as runs
 * (`run_tensors` and `tensor_numel`: each list holds one view per run of contiguous tensors, see
 * native/binding/reader.h), a copy with every list cut into one view per tensor.
 */
export function checkGroup<A extends object>(kernel: string, args: A, spec: GroupSpec): A {
  const { lists, perTensor = [], numbers = [], flags = [], sized = [] } = spec;
  const fail: Fail = (Err, msg) => {
    throw new Err(`${kernel}: ${msg}`);
  };
  if (typeof args !== 'object' || args === null || Array.isArray(args)) fail(TypeError, 'expected one argument object');
  const a = args as Record<string, unknown>;
  // Runs: the tensors of each run, and each tensor's length.
  let runs: Float64Array | null = null;
  let numel = null as number[] | null; // the first list's lengths, set in readList (or by the runs)
  const cut: Record<string, Float32Array[]> = {};
  if (a.run_tensors != null) {
    runs = integers(fail, a, 'run_tensors');
    const lengths = integers(fail, a, 'tensor_numel');
    let tensors = 0;
    runs.forEach((k, r) => {
      if (k < 1 || k > lengths.length - tensors) {
        fail(RangeError, `run_tensors[${r}] must be at least 1, and the runs' tensors at most the ${lengths.length} entries of tensor_numel`);
      }
      tensors += k;
    });
    if (tensors !== lengths.length) fail(RangeError, `run_tensors holds ${tensors} tensors but tensor_numel has ${lengths.length}`);
    numel = Array.from(lengths);
  }
  for (const key of numbers) if (typeof a[key] !== 'number') fail(TypeError, `${key} must be a number`);
  for (const key of flags) if (typeof a[key] !== 'boolean') fail(TypeError, `${key} must be a boolean`);
  const first = lists[0].key;
  const spans: { buffer: ArrayBufferLike; begin: number; end: number; name: string; written: boolean }[] = [];
  // expected: the required length of tensor i, or null for the first list's lengths.
  const readList = (key: string, written: boolean, expected: ((i: number) => number) | null) => {
    const value = a[key];
    if (!Array.isArray(value)) fail(TypeError, `${key} must be an array of Float32Array`);
    const list = value as unknown[];
    if (runs) return readRuns(key, list, runs, written, expected ?? ((i) => numel![i]));
    if (numel && list.length !== numel.length) {
      fail(RangeError, `${key} has ${list.length} tensors but ${first} has ${numel.length}`);
    }
    const lengths: number[] = [];
    list.forEach((t, i) => {
      const f = view(key, i, t, written);
      if (expected) {
        if (f.length !== expected(i)) fail(RangeError, `${key}[${i}] has ${f.length} elements but should have ${expected(i)}`);
      } else if (numel && f.length !== numel[i]) {
        fail(RangeError, `${key}[${i}] has ${f.length} elements but ${first}[${i}] has ${numel[i]}`);
      }
      lengths.push(f.length);
    });
    numel ??= lengths;
  };
  // One live Float32Array of a list, whose memory the overlap check then compares.
  const view = (key: string, i: number, v: unknown, written: boolean): Float32Array => {
    const f = liveArray(fail, v, Float32Array, `${key}[${i}]`);
    if (f.length > 0) spans.push({ buffer: f.buffer, begin: f.byteOffset, end: f.byteOffset + f.byteLength, name: `${key}[${i}]`, written });
    return f;
  };
  // A list given as runs: each view checked as a whole (the overlap check compares the views
  // as given), then cut into its run's tensors, whose lengths must add up to the view's.
  const readRuns = (key: string, list: unknown[], runs: Float64Array, written: boolean, expected: (i: number) => number) => {
    if (list.length !== runs.length) fail(RangeError, `${key} has ${list.length} views but run_tensors has ${runs.length} runs`);
    const out: Float32Array[] = [];
    let t = 0;
    list.forEach((v, r) => {
      const f = view(key, r, v, written);
      const end = t + runs[r];
      let total = 0;
      for (let u = t; u < end; u++) total += expected(u);
      if (total !== f.length) fail(RangeError, `${key}[${r}] has ${f.length} elements but the ${runs[r]} tensors of its run have ${total}`);
      for (let at = 0; t < end; t++) {
        out.push(f.subarray(at, at + expected(t)));
        at += expected(t);
      }
    });
    cut[key] = out;
  };
  for (const { key, written, optional } of lists) {
    if (!(optional && a[key] == null)) readList(key, written, null);
  }
  for (const { key, type, sizes } of perTensor) {
    const arr = liveArray<Float64Array | Uint8Array>(fail, a[key], type, key);
    if (arr.length !== (numel?.length ?? 0)) {
      fail(RangeError, `${key} has ${arr.length} entries but there are ${numel?.length ?? 0} tensors`);
    }
    if (sizes) checkIntegers(fail, arr, key);
  }
  spec.validate?.(fail, numel ?? []);
  for (const { key, written, length } of sized) readList(key, written, (t) => length(t, numel ?? []));
  // Overlap: only views of one ArrayBuffer can share memory. Sort by start and sweep.
  const byBuffer = new Map<ArrayBufferLike, typeof spans>();
  for (const s of spans) {
    const group = byBuffer.get(s.buffer);
    if (group) group.push(s);
    else byBuffer.set(s.buffer, [s]);
  }
  for (const group of byBuffer.values()) {
    if (group.length < 2) continue;
    group.sort((x, y) => x.begin - y.begin);
    let reachAny: (typeof spans)[number] | null = null;
    let reachWritten: (typeof spans)[number] | null = null;
    for (const s of group) {
      let other = null;
      if (s.written && reachAny && s.begin < reachAny.end) other = reachAny;
      if (!other && reachWritten && s.begin < reachWritten.end) other = reachWritten;
      if (other) {
        fail(RangeError, `${s.name} and ${other.name} overlap in memory; every buffer the kernel writes must be distinct`);
      }
      if (!reachAny || s.end > reachAny.end) reachAny = s;
      if (s.written && (!reachWritten || s.end > reachWritten.end)) reachWritten = s;
    }
  }
  return runs ? Object.assign({}, args, cut) : args;
}
