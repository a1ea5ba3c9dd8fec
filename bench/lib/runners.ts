/**
 * What runs an optimizer: the native kernels on one instruction set with a thread count, the
 * library's JS backend, or TensorFlow.js's own optimizer on its cpu or wasm backend.
 */
import { setBackend, setSimd, type Isa } from '../../src/index.js';

import type { ThreadControl } from './threads.js';

export type RunnerKind = 'native' | 'js' | 'tfjs-cpu' | 'tfjs-wasm';

/** The runner kinds, in the order the report shows them. */
export const RUNNER_KINDS: readonly RunnerKind[] = ['native', 'js', 'tfjs-cpu', 'tfjs-wasm'];

export interface Runner {
  /** Its column in the report: `native/avx512/t2`, `js`, `tfjs-cpu`, `tfjs-wasm`. */
  label: string;
  kind: RunnerKind;
  /** The native instruction set; null for the others. */
  isa: Isa | null;
  /** Threads it steps with (1 for all but native). */
  threads: number;
}

/** One native runner per instruction set (in the order given, best first) and thread count. */
export function nativeRunners(isas: readonly Isa[], threads: readonly number[]): Runner[] {
  return isas.flatMap((isa) => threads.map((n) => ({ label: `native/${isa}/t${n}`, kind: 'native' as const, isa, threads: n })));
}

/** The single-threaded runner of a reference kind (JS backend or TensorFlow.js). */
export function referenceRunner(kind: Exclude<RunnerKind, 'native'>): Runner {
  return { label: kind, kind, isa: null, threads: 1 };
}

/**
 * Makes the library's optimizers run on `runner` (native: its instruction set and thread
 * count; js: the JS backend). TensorFlow.js runners need nothing here.
 */
export function activate(runner: Runner, control: ThreadControl | null): void {
  if (runner.kind === 'native') {
    setBackend('native');
    setSimd(runner.isa!);
    control?.set(runner.threads);
  } else if (runner.kind === 'js') {
    setBackend('js');
  }
}
