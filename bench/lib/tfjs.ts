/**
 * TensorFlow.js as a reference: its own optimizers (`tf.train.*`) applied with
 * `optimizer.applyGradients` to `tf.variable`s of the same shapes, values and gradients, on its
 * `cpu` backend (plain JS) and its `wasm` backend (XNNPACK; SIMD when the runtime has it).
 * Loaded only when a run asks for it.
 */
import type * as Tf from '@tensorflow/tfjs';

import type { ParamLike } from '../../src/index.js';
import type { TfModule } from '../optimizers.js';

export type TfjsBackend = 'cpu' | 'wasm';

export interface TfjsInfo {
  /** `tf.version.tfjs`. */
  version: string;
  /** Backends that initialised. */
  backends: TfjsBackend[];
  /** Why a wanted backend (or the package) did not load. */
  errors: string[];
  /** The wasm backend's build: SIMD, and multi-threaded (the threaded build does not start in Node). */
  wasm: { simd: boolean; threads: boolean } | null;
}

export interface TfjsSession {
  tf: TfModule;
  info: TfjsInfo;
  /** Switches tfjs to a backend (one of `info.backends`). */
  use(backend: TfjsBackend): Promise<void>;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Loads `@tensorflow/tfjs` (and `@tensorflow/tfjs-backend-wasm` for wasm) and initialises the
 * wanted backends. Production mode: tfjs skips its debug checks, and its "install tfjs-node"
 * banner. Returns the errors instead when the packages are missing.
 */
export async function loadTfjs(wanted: readonly TfjsBackend[]): Promise<TfjsSession | { error: string }> {
  let tf: TfModule;
  try {
    tf = await import('@tensorflow/tfjs');
    if (wanted.includes('wasm')) await import('@tensorflow/tfjs-backend-wasm');
  } catch (err) {
    return { error: `@tensorflow/tfjs could not be loaded: ${message(err)}` };
  }
  tf.enableProdMode();
  const info: TfjsInfo = { version: tf.version.tfjs, backends: [], errors: [], wasm: null };
  for (const backend of wanted) {
    try {
      if (!(await tf.setBackend(backend))) throw new Error('setBackend returned false');
      await tf.ready();
      info.backends.push(backend);
      if (backend === 'wasm') {
        info.wasm = {
          simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')),
          threads: Boolean(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')),
        };
      }
    } catch (err) {
      info.errors.push(`tfjs ${backend} backend: ${message(err)}`);
    }
  }
  return {
    tf,
    info,
    use: async (backend) => {
      await tf.setBackend(backend);
      await tf.ready();
    },
  };
}

/** A tfjs optimizer over variables mirroring `params`, stepped with the params' gradients. */
export interface TfjsStepper {
  step(): void;
  dispose(): void;
}

/**
 * Builds `tf.variable`s holding copies of the parameters' data (tfjs never writes into them:
 * its ops are functional) and gradient tensors of the parameters' gradients; `step()` applies
 * the gradients once with the optimizer `make` builds. The optimizer's slots are allocated by
 * its first step, as the library's state is.
 */
export function tfjsStepper(tf: TfModule, make: (tf: TfModule) => Tf.Optimizer, params: readonly ParamLike[]): TfjsStepper {
  const shapeOf = (p: ParamLike): number[] => [...(p.shape ?? [p.data.length])];
  const variables = params.map((p) => tf.variable(tf.tensor(p.data.slice(), shapeOf(p), 'float32')));
  const grads: Record<string, Tf.Tensor> = {};
  params.forEach((p, i) => {
    grads[variables[i].name] = tf.tensor(p.grad!, shapeOf(p), 'float32');
  });
  const optimizer = make(tf);
  return {
    step: () => optimizer.applyGradients(grads),
    dispose: () => {
      optimizer.dispose();
      for (const v of variables) v.dispose();
      for (const g of Object.values(grads)) g.dispose();
    },
  };
}
