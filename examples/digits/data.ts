/**
 * The UCI handwritten digits (data/digits.csv.gz: 1797 images of 8x8 pixels in 0..16, then the
 * label 0..9), loaded, scaled to [0, 1] and split into a training and a held-out test set with
 * a seeded shuffle.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import { random } from '../random.js';

export interface Split {
  /** Row-major pixels, `count x 64`, in [0, 1]. */
  x: Float32Array;
  /** Labels 0..9. */
  y: Uint8Array;
  count: number;
}

export const FEATURES = 64;
export const CLASSES = 10;

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'digits.csv.gz');

/** Loads the data set and splits it: `testFraction` of the rows, chosen by `seed`, are held out. */
export function loadDigits(seed: number, testFraction = 0.2): { train: Split; test: Split } {
  const rows = gunzipSync(readFileSync(file))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number));
  for (const [i, row] of rows.entries()) {
    if (row.length !== FEATURES + 1 || row.some((v) => !Number.isFinite(v))) throw new Error(`digits.csv.gz: bad row ${i + 1}`);
  }
  const order = rows.map((_, i) => i);
  const rand = random(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const nTest = Math.round(rows.length * testFraction);
  const pick = (idx: number[]): Split => {
    const x = new Float32Array(idx.length * FEATURES);
    const y = new Uint8Array(idx.length);
    idx.forEach((r, i) => {
      for (let f = 0; f < FEATURES; f++) x[i * FEATURES + f] = rows[r][f] / 16;
      y[i] = rows[r][FEATURES];
    });
    return { x, y, count: idx.length };
  };
  return { test: pick(order.slice(0, nTest)), train: pick(order.slice(nTest)) };
}
