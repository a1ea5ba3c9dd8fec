/**
 * The native thread pool's controls, read at run time from the package's namespace:
 * `setNumThreads(n)` and `getNumThreads()`. A build without them runs on one thread, and the
 * benchmark then measures threads = [1] only.
 */
import os from 'node:os';

import * as fastoptim from '../../src/index.js';

export interface ThreadControl {
  /** Sets the number of threads the native kernels use. */
  set(n: number): void;
  /** The number in use. */
  get(): number;
}

/** The thread pool's controls, or null when this build has none. */
export function threadControl(): ThreadControl | null {
  const api: Record<string, unknown> = fastoptim;
  const set = api.setNumThreads;
  const get = api.getNumThreads;
  if (typeof set !== 'function' || typeof get !== 'function') return null;
  return {
    set: (n) => void set(n),
    get: () => Number(get()),
  };
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
