/**
 * Backend selection. The native addon (prebuilt, loaded by node-gyp-build from
 * `prebuilds/<platform>-<arch>/`, or `build/Release/` in a source checkout) is used when it
 * loads; otherwise the pure-JS kernels, which give the same results. `FASTOPTIM_BACKEND=js|native`
 * forces one; `FASTOPTIM_SIMD=scalar|avx2|avx512` forces an instruction set (read once by the
 * addon when it loads). `FASTOPTIM_ADDON=<file.node>` loads a specific addon build (for tests).
 * `FASTOPTIM_NUM_THREADS=n` sets the native kernels' thread count (default: the cores this
 * process may run on).
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Isa, NativeBinding } from '../binding.js';
import { coalesce } from './coalesce.js';
import * as jsKernels from './kernels/index.js';
import { invalidParameterError, oneOf } from './validate.js';

export type { Isa } from '../binding.js';

/**
 * The stateless kernels an optimizer calls, one call per parameter group: the JS ones of
 * src/kernels, which the native addon must match name for name (checked below by the types).
 */
export type Kernels = typeof jsKernels;
type NativeHasEveryKernel = NativeBinding extends Kernels ? true : never;
const nativeHasEveryKernel: NativeHasEveryKernel = true;
void nativeHasEveryKernel;

/** A backend: `native` (the C++ SIMD addon) or `js` (the pure-JS kernels, the reference). */
export type BackendName = 'native' | 'js';

/** What `backendInfo()` reports. */
export interface BackendInfo {
  /** The backend in use. */
  backend: BackendName;
  /** The instruction set the native kernels use, or null on the JS backend. */
  isa: Isa | null;
  /** Instruction sets this CPU supports, best first (empty when the addon is not loaded). */
  supportedIsas: Isa[];
  /** Whether the native addon loaded. */
  nativeAvailable: boolean;
  /** Why the native addon did not load, when it did not. */
  nativeError: string | null;
  /** Threads the native kernels use (`getNumThreads()`); the JS backend always runs on one. */
  numThreads: number;
}

// The package root: one level above src/ (tests) or dist/ (the published build).
const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function loadNative(): { binding: NativeBinding | null; error: string | null } {
  try {
    const require = createRequire(import.meta.url);
    // FASTOPTIM_ADDON names an addon file to load instead (tests of other builds, such as the
    // AVX-512 emulation build in build-emu/).
    const file = process.env.FASTOPTIM_ADDON;
    if (file) return { binding: require(path.resolve(file)) as NativeBinding, error: null };
    const load = require('node-gyp-build') as (dir: string) => NativeBinding;
    return { binding: load(packageRoot), error: null };
  } catch (err) {
    return { binding: null, error: err instanceof Error ? err.message : String(err) };
  }
}

/** The most threads `setNumThreads` accepts (as the addon, native/engine/pool.h). */
const MAX_THREADS = 256;

function checkThreads(name: string, n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_THREADS) {
    throw invalidParameterError(name, `an integer in [1, ${MAX_THREADS}]`, n);
  }
  return n;
}

// Checked here, before the addon loads, so a bad value throws instead of making the addon
// fail to load (and the library fall back to JS).
const envThreads = process.env.FASTOPTIM_NUM_THREADS || undefined;
if (envThreads !== undefined) checkThreads('FASTOPTIM_NUM_THREADS', /^\d+$/.test(envThreads) ? Number(envThreads) : envThreads);

const forced = process.env.FASTOPTIM_BACKEND || undefined;
if (forced !== undefined) oneOf('FASTOPTIM_BACKEND', forced, ['native', 'js'] as const);

const native = forced === 'js' ? { binding: null, error: 'FASTOPTIM_BACKEND=js' } : loadNative();
// Forcing native, or an instruction set (which only the native backend has), must not fall back.
const required = forced === 'native' ? 'FASTOPTIM_BACKEND=native' : forced !== 'js' && process.env.FASTOPTIM_SIMD ? `FASTOPTIM_SIMD=${process.env.FASTOPTIM_SIMD}` : null;
if (required && !native.binding) {
  throw new Error(`${required} but the native addon could not be loaded: ${native.error}`);
}

let current: BackendName = native.binding ? 'native' : 'js';

type KernelName = keyof Kernels;
type AnyKernel = (args: never) => unknown;

/**
 * The native kernels: as the addon exports them (`raw`: what the optimizers' step plans and
 * LBFGS call, having merged contiguous tensors themselves), and with contiguous tensors merged
 * first for the elementwise ones (src/coalesce.ts: gradient clipping, `MultiSteps`), each run
 * now (`sync`) or on a worker thread (`async`).
 */
const nativeKernels = (() => {
  const b = native.binding;
  if (!b) return null;
  const merge = new Set(b.elementwise);
  const wrap = (fn: AnyKernel, name: KernelName): AnyKernel => (merge.has(name) ? (args: never) => fn(coalesce(args as object) as never) : fn);
  const names = Object.keys(jsKernels) as KernelName[];
  const table = <T>(make: (name: KernelName) => unknown) => Object.fromEntries(names.map((n) => [n, make(n)])) as unknown as T;
  type AsyncKernels = Record<KernelName, (args: never) => Promise<void>>;
  return {
    sync: table<Kernels>((n) => wrap(b[n] as AnyKernel, n)),
    async: table<AsyncKernels>((n) => wrap(b.async[n] as AnyKernel, n)),
    rawSync: table<Kernels>((n) => b[n]),
    rawAsync: table<AsyncKernels>((n) => b.async[n]),
  };
})();

/**
 * While `deferKernels` runs one group's step, the native kernel call it makes goes to the
 * addon's async kernels (checked at once, run on a worker thread); its Promise is kept here.
 */
let deferral: { pending: Promise<void> | null } | null = null;

const deferred = (raw: boolean) =>
  Object.fromEntries(
    Object.keys(jsKernels).map((name) => [
      name,
      (args: never) => {
        if (deferral!.pending) {
          // Its arguments may depend on the first call's results, which are not there yet.
          throw new Error(`stepAsync: a second kernel call (${name}) in one param group; this optimizer must override stepAsync`);
        }
        deferral!.pending = nativeKernels![raw ? 'rawAsync' : 'async'][name as KernelName](args);
      },
    ]),
  ) as unknown as Kernels;
const deferredKernels = { merging: deferred(false), raw: deferred(true) };

/**
 * The kernels of the backend in use. `premerged`: the caller has merged contiguous tensors
 * itself (a step plan), so the native backend passes its arguments on as they are; the JS
 * kernels always get the caller's arguments as they are.
 */
export function kernels(premerged = false): Kernels {
  if (current !== 'native') return jsKernels;
  if (deferral) return premerged ? deferredKernels.raw : deferredKernels.merging;
  return premerged ? nativeKernels!.rawSync : nativeKernels!.sync;
}

/**
 * Runs `fn` (the synchronous part of one group's step) with the native kernel call it makes
 * sent to a worker thread; returns that call's Promise, or null when `fn` ran everything
 * itself (the JS backend). A call the addon refuses throws here, before anything runs.
 */
export function deferKernels(fn: () => void): Promise<void> | null {
  const slot: { pending: Promise<void> | null } = { pending: null };
  deferral = slot;
  try {
    fn();
  } catch (err) {
    // A call already on its way must finish before the caller may touch the buffers again.
    if (slot.pending) return slot.pending.then(() => Promise.reject(err), () => Promise.reject(err));
    throw err;
  } finally {
    deferral = null;
  }
  return slot.pending;
}

/** The raw native addon, or null when it is not loaded (for the benchmark's bandwidth probe). */
export function nativeBinding(): NativeBinding | null {
  return native.binding;
}

/**
 * Which backend and instruction set are in use, which instruction sets the CPU has, and why the
 * native addon did not load, if it did not.
 *
 * @example
 * ```ts
 * const info = backendInfo();
 * console.log(info.backend, info.isa);  // for example: native avx2 (or: js null)
 * if (!info.nativeAvailable) console.log(`pure-JS kernels: ${info.nativeError}`);
 * ```
 */
export function backendInfo(): BackendInfo {
  const b = native.binding;
  return {
    backend: current,
    isa: current === 'native' && b ? b.isa() : null,
    supportedIsas: b ? b.supportedIsas() : [],
    nativeAvailable: b !== null,
    nativeError: native.error,
    numThreads: getNumThreads(),
  };
}

// Without the addon there is no pool: the setting is kept here, so it reads back as set.
let threadsWithoutAddon = envThreads !== undefined ? Number(envThreads) : os.availableParallelism();

/**
 * The number of threads the native kernels use: a step over a large group (or over many
 * tensors) is split across that many threads, the calling one included; small work stays on
 * the calling thread. Default: the cores this process may run on, or `FASTOPTIM_NUM_THREADS`.
 * Results are bit-identical for any thread count. The JS backend always runs on one thread;
 * this still reports (and `setNumThreads` still sets) the native setting.
 *
 * @example
 * ```ts
 * import { getNumThreads, setNumThreads } from 'fastoptim';
 * setNumThreads(1);              // one thread, e.g. when the process runs one worker per core
 * console.log(getNumThreads());  // 1
 * ```
 */
export function getNumThreads(): number {
  return native.binding ? native.binding.getNumThreads() : threadsWithoutAddon;
}

/**
 * Sets the number of threads the native kernels use: an integer from 1 to 256 (more than
 * the cores is allowed, and slower). Takes effect at the next kernel call; a step already
 * running keeps its threads. See `getNumThreads`.
 *
 * @example
 * ```ts
 * setNumThreads(2);
 * ```
 */
export function setNumThreads(n: number): void {
  checkThreads('numThreads', n);
  if (native.binding) native.binding.setNumThreads(n);
  else threadsWithoutAddon = n;
}

/**
 * Switches every optimizer to the native or the JS backend (for comparisons and tests).
 * Throws when `native` is asked for and the addon did not load. Both backends give the same
 * results to a few float32 ulps (the native kernels use fused multiply-adds).
 *
 * @example
 * ```ts
 * const run = () => {
 *   const w = Parameter.from([1, 2, 3]);
 *   const opt = new Adam([w], { lr: 0.1 });
 *   for (let i = 0; i < 10; i++) {
 *     w.grad!.set(w.data);  // the gradient of |w|^2 / 2
 *     opt.step();
 *   }
 *   return w.data[2];
 * };
 * setBackend('js');
 * const js = run();
 * if (backendInfo().nativeAvailable) {
 *   setBackend('native');
 *   console.log(Math.abs(run() - js) < 1e-6); // true
 * }
 * ```
 */
export function setBackend(name: BackendName): void {
  oneOf('backend', name, ['native', 'js'] as const);
  if (name === 'native' && !native.binding) {
    throw new Error(`The native backend is not available: ${native.error}`);
  }
  current = name;
}

/**
 * Switches the native kernels to another instruction set this CPU supports (for tests and
 * benchmarks; the default is the best one, or FASTOPTIM_SIMD's). Throws when the addon did not
 * load or the CPU lacks the instruction set.
 *
 * @example
 * ```ts
 * const { nativeAvailable, supportedIsas } = backendInfo();
 * if (nativeAvailable) {
 *   for (const isa of supportedIsas) {  // best first, e.g. ['avx2', 'scalar']
 *     setSimd(isa);
 *     console.log(backendInfo().isa);   // the instruction set now in use
 *   }
 *   setSimd(supportedIsas[0]);          // back to the best
 * }
 * ```
 */
export function setSimd(isa: Isa): void {
  if (!native.binding) throw new Error(`The native backend is not available: ${native.error}`);
  native.binding.setIsa(isa);
}
