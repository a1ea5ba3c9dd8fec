/**
 * A minimal custom training loop: least-squares linear regression, y = X w + b, written by hand
 * (forward, loss, gradient) with fastoptim's AdamW doing the updates and gradient clipping on
 * top. In your own project, import from 'fastoptim' instead of '../src/index.js'.
 *
 *   npx tsx examples/custom-loop.ts
 */
import { pathToFileURL } from 'node:url';

import { AdamW, Parameter, backendInfo, clipGradNorm } from '../src/index.js';
import { random } from './random.js';

export interface LoopResult {
  /** Mean squared error at the first and the last step. */
  firstLoss: number;
  lastLoss: number;
  /** Largest |w - w_true| after training. */
  weightError: number;
}

/** Fits `features` weights and a bias to noisy synthetic data; returns the losses. */
export function run({ samples = 512, features = 16, steps = 300, seed = 7, log = false } = {}): LoopResult {
  const rand = random(seed);
  const trueW = Float32Array.from({ length: features }, () => rand() * 2 - 1);
  const trueB = 0.5;
  const x = Float32Array.from({ length: samples * features }, () => rand() * 2 - 1);
  const y = new Float32Array(samples);
  for (let i = 0; i < samples; i++) {
    let s = trueB + (rand() - 0.5) * 0.01; // a little noise
    for (let j = 0; j < features; j++) s += x[i * features + j] * trueW[j];
    y[i] = s;
  }

  // The model: two parameters. Each has `data` and a `grad` buffer that we fill every step.
  const w = new Parameter(features, { name: 'w' });
  const b = new Parameter(1, { name: 'b' });
  const opt = new AdamW([w, b], { lr: 0.05, weightDecay: 0 });

  let firstLoss = NaN;
  let loss = NaN;
  for (let step = 0; step < steps; step++) {
    opt.zeroGrad();
    // Forward and backward of the mean squared error in one pass over the data.
    loss = 0;
    for (let i = 0; i < samples; i++) {
      let pred = b.data[0];
      for (let j = 0; j < features; j++) pred += x[i * features + j] * w.data[j];
      const r = pred - y[i];
      loss += (r * r) / samples;
      const d = (2 * r) / samples; // d loss / d pred
      for (let j = 0; j < features; j++) w.grad![j] += d * x[i * features + j];
      b.grad![0] += d;
    }
    if (step === 0) firstLoss = loss;
    clipGradNorm([w, b], 1.0); // keep the first steps tame
    opt.step();
    if (log && step % 50 === 0) console.log(`step ${String(step).padStart(3)}  loss ${loss.toExponential(3)}`);
  }
  const weightError = Math.max(...Array.from(w.data, (v, j) => Math.abs(v - trueW[j])));
  return { firstLoss, lastLoss: loss, weightError };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const info = backendInfo();
  console.log(`backend ${info.backend}${info.isa ? ` (${info.isa})` : ''}`);
  const r = run({ log: true });
  console.log(`loss ${r.firstLoss.toExponential(3)} -> ${r.lastLoss.toExponential(3)}; largest weight error ${r.weightError.toExponential(2)}`);
}
