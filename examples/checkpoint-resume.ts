/**
 * Checkpoint and resume: train the digits MLP with AdamW and a OneCycleLR schedule, stop halfway,
 * save the parameters, the optimizer's `stateDict()` and the scheduler's `stateDict()` to a JSON
 * file, build everything anew from that file alone (as a new process would), continue, and check
 * that the resumed run ends exactly where the uninterrupted run ends, bit for bit.
 * In your own project, import from 'fastoptim' instead of '../src/index.js'.
 *
 *   npx tsx examples/checkpoint-resume.ts
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { AdamW, OneCycleLR, backendInfo, type StateDict, type StateDictInput } from '../src/index.js';
import { FEATURES, loadDigits, type Split } from './digits/data.js';
import { MLP } from './digits/mlp.js';
import { random } from './random.js';

const SEED = 3;
const HIDDEN = 32;
const BATCH = 64;

/** What a checkpoint file holds: plain JSON. */
interface Checkpoint {
  epoch: number;
  params: Record<string, number[]>;
  optimizer: StateDictInput;
  scheduler: ReturnType<OneCycleLR['stateDict']>;
}

/** Everything a run is made of, built the same way for a fresh start and for a resume. */
function build(data: Split, epochs: number) {
  const model = new MLP(HIDDEN, SEED);
  const optimizer = new AdamW(model.parameters(), { lr: 1e-2, weightDecay: 1e-2 });
  const stepsPerEpoch = Math.ceil(data.count / BATCH);
  // OneCycleLR also cycles AdamW's beta1: its state must come back too.
  const scheduler = new OneCycleLR(optimizer, { maxLr: 1e-2, epochs, stepsPerEpoch });
  return { model, optimizer, scheduler };
}

/**
 * One epoch of mini-batch training. The shuffle is seeded by the epoch number, so a resumed
 * run sees the same batches without saving a random generator's state.
 */
function trainEpoch({ model, optimizer, scheduler }: ReturnType<typeof build>, data: Split, epoch: number): number {
  const rand = random(SEED * 1000 + epoch);
  const order = Array.from({ length: data.count }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const x = new Float32Array(BATCH * FEATURES);
  const y = new Uint8Array(BATCH);
  let lossSum = 0;
  for (let start = 0; start < data.count; start += BATCH) {
    const rows = order.slice(start, start + BATCH);
    rows.forEach((r, k) => {
      x.set(data.x.subarray(r * FEATURES, (r + 1) * FEATURES), k * FEATURES);
      y[k] = data.y[r];
    });
    model.forward(x, rows.length);
    lossSum += model.backward(x, y, rows.length) * rows.length;
    optimizer.step();
    scheduler.step();
  }
  return lossSum / data.count;
}

/** Float32Arrays as number arrays, so that JSON keeps them (every float32 survives the round trip exactly). */
const toJson = (value: unknown) => JSON.stringify(value, (_key, v) => (v instanceof Float32Array ? Array.from(v) : v));

function save(file: string, run: ReturnType<typeof build>, epoch: number): void {
  const checkpoint: Checkpoint = {
    epoch,
    params: Object.fromEntries(run.model.parameters().map((p) => [p.name!, Array.from(p.data)])),
    optimizer: run.optimizer.stateDict(),
    scheduler: run.scheduler.stateDict(),
  };
  writeFileSync(file, toJson(checkpoint));
}

/** Builds a run from nothing but the checkpoint file: fresh model, optimizer and scheduler, then loads. */
function restore(file: string, data: Split, epochs: number, forget?: Forget): { run: ReturnType<typeof build>; epoch: number } {
  const checkpoint = JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
  const run = build(data, epochs);
  for (const p of run.model.parameters()) p.data.set(checkpoint.params[p.name!]);
  if (forget !== 'optimizer') run.optimizer.loadStateDict(checkpoint.optimizer);
  if (forget !== 'scheduler') run.scheduler.loadStateDict(checkpoint.scheduler); // also puts back the lr and beta1 it had written
  return { run, epoch: checkpoint.epoch };
}

/** A state dict to leave out of the restore, to see that the resumed run then differs. */
export type Forget = 'optimizer' | 'scheduler';

export interface ResumeOptions {
  /** Epochs in all. Default 6. */
  epochs?: number;
  /** The epoch after which the checkpoint is written. Default 3. */
  stopAfter?: number;
  /** Where to write checkpoint.json. Default: a new temporary directory. */
  dir?: string;
  /** Leave a state dict out of the restore. Default: restore both. */
  forget?: Forget;
  /** Print the losses. Default false. */
  log?: boolean;
}

export interface ResumeResult {
  /** Training loss per epoch of the uninterrupted run. */
  uninterrupted: number[];
  /** Training loss per epoch of the interrupted run: before the checkpoint, then after the resume. */
  resumed: number[];
  /** Whether every parameter and every optimizer state buffer ends bit for bit equal. */
  identical: boolean;
  /** Test accuracy at the end (the same for both runs). */
  testAccuracy: number;
  /** The checkpoint file written. */
  file: string;
  /** Its size in bytes. */
  bytes: number;
}

function sameBits(a: StateDict, b: StateDict, pa: Float32Array[], pb: Float32Array[]): boolean {
  const bits = (v: unknown) => toJson(v);
  return bits(a) === bits(b) && pa.every((w, i) => w.length === pb[i].length && w.every((v, j) => Object.is(v, pb[i][j])));
}

/** Trains `epochs` epochs straight, and again with a checkpoint after `stopAfter` epochs and a resume. */
export function run({ epochs = 6, stopAfter = 3, dir, forget, log = false }: ResumeOptions = {}): ResumeResult {
  if (!(stopAfter >= 1 && stopAfter < epochs)) throw new RangeError(`Expected 1 <= stopAfter < epochs but received stopAfter ${stopAfter}, epochs ${epochs}`);
  const say = (line: string) => log && console.log(line);
  const { train: data, test } = loadDigits(SEED);
  const file = path.join(dir ?? mkdtempSync(path.join(os.tmpdir(), 'fastoptim-ckpt-')), 'checkpoint.json');

  // 1. The uninterrupted run.
  const straight = build(data, epochs);
  const uninterrupted: number[] = [];
  for (let e = 0; e < epochs; e++) uninterrupted.push(trainEpoch(straight, data, e));
  say(`uninterrupted: ${uninterrupted.map((l) => l.toFixed(4)).join(' ')}`);

  // 2. The same run stopped after `stopAfter` epochs and saved...
  const first = build(data, epochs);
  const resumed: number[] = [];
  for (let e = 0; e < stopAfter; e++) resumed.push(trainEpoch(first, data, e));
  save(file, first, stopAfter);
  const bytes = readFileSync(file).length;
  say(`stopped after epoch ${stopAfter}: checkpoint ${file} (${(bytes / 1024).toFixed(0)} KiB)`);

  // 3. ...and resumed from the file alone into fresh objects.
  const { run: second, epoch } = restore(file, data, epochs, forget);
  for (let e = epoch; e < epochs; e++) resumed.push(trainEpoch(second, data, e));
  say(`resumed:       ${resumed.map((l) => l.toFixed(4)).join(' ')}`);

  const identical = sameBits(
    straight.optimizer.stateDict(),
    second.optimizer.stateDict(),
    straight.model.parameters().map((p) => p.data),
    second.model.parameters().map((p) => p.data),
  );
  const testAccuracy = second.model.accuracy(test.x, test.y, test.count);
  say(`identical to the uninterrupted run, bit for bit: ${identical}; test accuracy ${(testAccuracy * 100).toFixed(2)}%`);
  return { uninterrupted, resumed, identical, testAccuracy, file, bytes };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const info = backendInfo();
  console.log(`backend ${info.backend}${info.isa ? ` (${info.isa})` : ''}`);
  const result = run({ log: true });
  if (!result.identical) process.exit(1);
}
