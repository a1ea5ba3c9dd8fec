/**
 * Benchmark data: seeded random parameters and gradients, so every run, target and optimizer
 * steps the same numbers.
 */
import { Parameter } from '../../src/index.js';

/** mulberry32: a small seeded PRNG. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` uniform values in [-scale, scale). Writing every element also faults the pages in. */
export function randomArray(n: number, next: () => number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (2 * next() - 1) * scale;
  return a;
}

/** The seeds of every layout's data and gradients: the same values whatever else the run selects. */
const DATA_SEED = 0x5eed;
const GRAD_SEED = 0x9a4d;

/**
 * Parameters of the given shapes, each with its own separately allocated data and gradient
 * buffers. Data come from one seeded stream and gradients from another, both in [-1, 1), in
 * tensor order: layouts of the same total size hold the same values in the same order.
 */
export function makeParams(shapes: readonly (readonly number[])[]): Parameter[] {
  const nextData = rng(DATA_SEED);
  const nextGrad = rng(GRAD_SEED);
  return shapes.map((shape) => {
    const n = numel(shape);
    return new Parameter(randomArray(n, nextData), { grad: randomArray(n, nextGrad), shape });
  });
}

/** Elements of a tensor of this shape. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Elements of all the tensors together. */
export function totalElements(shapes: readonly (readonly number[])[]): number {
  return shapes.reduce((sum, s) => sum + numel(s), 0);
}
