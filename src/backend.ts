/**
 * Backend selection. The native addon (prebuilt, loaded by node-gyp-build from
 * `prebuilds/<platform>-<arch>/`, or `build/Release/` in a source checkout) is used when it
 * loads; otherwise the pure-JS kernels, which give the same results. `FASTOPTIM_BACKEND=js|native`
 * forces one; `FASTOPTIM_SIMD=scalar|avx2|avx512` forces an instruction set (read once by the
 * addon when it loads). `FASTOPTIM_ADDON=<file.node>` loads a specific addon build (for tests).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Isa, NativeBinding } from '../binding.js';
import * as jsKernels from './kernels/index.js';
import { oneOf } from './validate.js';

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

const forced = process.env.FASTOPTIM_BACKEND || undefined;
if (forced !== undefined) oneOf('FASTOPTIM_BACKEND', forced, ['native', 'js'] as const);

const native = forced === 'js' ? { binding: null, error: 'FASTOPTIM_BACKEND=js' } : loadNative();
// Forcing native, or an instruction set (which only the native backend has), must not fall back.
const required = forced === 'native' ? 'FASTOPTIM_BACKEND=native' : forced !== 'js' && process.env.FASTOPTIM_SIMD ? `FASTOPTIM_SIMD=${process.env.FASTOPTIM_SIMD}` : null;
if (required && !native.binding) {
  throw new Error(`${required} but the native addon could not be loaded: ${native.error}`);
}

let current: BackendName = native.binding ? 'native' : 'js';

/** The kernels of the backend in use. */
export function kernels(): Kernels {
  return current === 'native' ? native.binding! : jsKernels;
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
  };
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
