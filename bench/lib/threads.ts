/**
 * The native thread pool's controls (`setNumThreads(n)`, `getNumThreads()`). Without the native
 * addon there is no pool, and the benchmark then measures threads = [1] only.
 */
import os from 'node:os';

import { backendInfo, getNumThreads, setNumThreads } from '../../src/index.js';

export interface ThreadControl {
  /** Sets the number of threads the native kernels use. */
  set(n: number): void;
  /** The number in use. */
  get(): number;
}

/** The thread pool's controls, or null when the native addon (and so the pool) is absent. */
export function threadControl(): ThreadControl | null {
  if (!backendInfo().nativeAvailable) return null;
  return { set: setNumThreads, get: getNumThreads };
}

/** Logical CPUs this process may use: "all threads". */
export function availableThreads(): number {
  return os.availableParallelism?.() ?? os.cpus().length;
}

/** The thread counts to measure by default: 1 and all, or 1 alone without a pool. */
export function defaultThreadCounts(control: ThreadControl | null): number[] {
  const all = availableThreads();
  return control && all > 1 ? [1, all] : [1];
}
